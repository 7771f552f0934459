using Lamina.Runner.Backends;
using Lamina.Runner.Placement;
using Lamina.Shared.Contracts;
using Microsoft.Extensions.Options;

namespace Lamina.Runner.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BackendResolverTests : IDisposable
{
    private static readonly CatalogModel Gguf = new("tiny", "llama.cpp", "tiny.gguf", "/models/tiny.gguf", true, null)
    {
        Format = "gguf",
        Metadata = new ModelMetadata { ContextLength = 2048, BlockCount = 4, EstimatedMemoryBytes = 40 << 20, EstimatedContextLength = 2048 },
    };

    private static readonly CatalogModel Safetensors = new("qwen", "vllm", "qwen", "/models/qwen", true, null) { Format = "safetensors", ContextLength = 4096 };

    private static readonly CatalogModel Compiled = new("phi-mlc", "mlc", "phi-mlc", "/models/phi-mlc", true, null) { Format = "mlc", ContextLength = 2048 };

    private readonly DirectoryInfo _programs = Directory.CreateTempSubdirectory("lamina-programs-");

    [Fact]
    public void LlamaServerGetsItsModelPortContextAndGpuLayersThenTheManifestsArguments()
    {
        var server = TestPrograms.Write(_programs, "llama-server", "exit 0");
        var model = Gguf with
        {
            Args = ["--jinja"],
            BackendSettings = new Dictionary<string, BackendSettings> { ["llama.cpp"] = new() { DefaultArgs = ["--metrics"] } },
        };
        var resolver = Resolver(llamaServer: server);
        var (choice, problem) = resolver.Choose(model);

        var plan = resolver.Plan(choice!, model, 4321, resolver.ContextFor(model, null), new ModelPlacement([1], 40 << 20, 0) { GpuLayers = 999 });

        Assert.Null(problem);
        Assert.Equal((BackendResolver.LlamaCpp, server), (plan.Backend, plan.FileName));
        Assert.Equal(["-m", "/models/tiny.gguf", "--host", "127.0.0.1", "--port", "4321", "-a", "tiny", "-c", "2048", "-ngl", "999", "--metrics", "--jinja"], plan.Arguments);
        Assert.Equal("1", plan.Environment["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("/health", plan.ReadinessPath);
    }

    [Fact]
    public void ADedicatedEmbeddingModelStartsLlamaServerForEmbeddingsAndAModelThatAlsoChatsDoesNot()
    {
        var resolver = Resolver(llamaServer: TestPrograms.Write(_programs, "llama-server", "exit 0"));
        var embedder = Gguf with { UseCases = ["embeddings"] };
        var both = Gguf with { UseCases = ["conversational", "embeddings"] };

        var embeds = resolver.Plan(resolver.Choose(embedder).Choice!, embedder, 4321, 2048, ModelPlacement.Cpu(40 << 20));
        var chats = resolver.Plan(resolver.Choose(both).Choice!, both, 4321, 2048, ModelPlacement.Cpu(40 << 20));
        var engine = Resolver(llamaServer: null).Plan(Resolver(llamaServer: null).Choose(embedder).Choice!, embedder, 4321, 2048, ModelPlacement.Cpu(40 << 20));

        Assert.Contains("--embeddings", embeds.Arguments);
        // The flag turns llama-server's generation off: a model that also chats keeps it.
        Assert.DoesNotContain("--embeddings", chats.Arguments);
        // The embedded engine embeds with any model, and takes no such flag.
        Assert.DoesNotContain("--embeddings", engine.Arguments);
    }

    [Fact]
    public void TheManifestsExecutableIsFoundWhenNoSettingNamesOne()
    {
        var server = TestPrograms.Write(_programs, "my-llama-server", "exit 0");
        var model = Gguf with { BackendSettings = new Dictionary<string, BackendSettings> { ["llama.cpp"] = new() { Executable = server } } };

        var (choice, _) = Resolver(llamaServer: null).Choose(model);

        Assert.Equal(server, choice!.FileName);
    }

    [Fact]
    public void OnTheCpuLlamaServerSeesNoGpuAndOffloadsNoLayer()
    {
        var server = TestPrograms.Write(_programs, "llama-server", "exit 0");
        var resolver = Resolver(llamaServer: server);

        var plan = resolver.Plan(resolver.Choose(Gguf).Choice!, Gguf, 4321, 2048, ModelPlacement.Cpu(40 << 20));

        Assert.Equal(["-c", "2048", "-ngl", "0"], plan.Arguments.TakeLast(4));
        Assert.Equal("", plan.Environment["CUDA_VISIBLE_DEVICES"]);
    }

    [Fact]
    public void LlamaCppModelFallsBackToTheEmbeddedEngineAndSaysSo()
    {
        var resolver = Resolver();
        var (choice, _) = resolver.Choose(Gguf);

        var plan = resolver.Plan(choice!, Gguf, 4321, 2048, ModelPlacement.Cpu(40 << 20));

        Assert.Equal(BackendResolver.Embedded, plan.Backend);
        Assert.Contains("embedded", plan.Note);
        Assert.Contains(plan.Arguments, argument => argument.EndsWith("Lamina.Engine.dll", StringComparison.Ordinal));
        Assert.Equal(["-m", "/models/tiny.gguf", "--host", "127.0.0.1", "--port", "4321", "-a", "tiny", "-c", "2048"], plan.Arguments.TakeLast(10));
    }

    [Fact]
    public void VllmServesTheFolderUnderTheModelsNameOnItsGpusWithTheirShareOfMemory()
    {
        var vllm = TestPrograms.Write(_programs, "vllm", "exit 0");
        var resolver = Resolver(vllm: vllm);
        var (choice, _) = resolver.Choose(Safetensors);

        var plan = resolver.Plan(choice!, Safetensors, 4321, resolver.ContextFor(Safetensors, null), new ModelPlacement([0, 1], 8L << 30, 0) { GpuMemoryUtilization = 0.85 });

        Assert.Equal(vllm, plan.FileName);
        Assert.Equal(
            ["serve", "/models/qwen", "--host", "127.0.0.1", "--port", "4321", "--served-model-name", "qwen", "--max-model-len", "4096", "--tensor-parallel-size", "2", "--gpu-memory-utilization", "0.85"],
            plan.Arguments);
        Assert.Equal("0,1", plan.Environment["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("/health", plan.ReadinessPath);
        Assert.Equal("qwen", plan.ServedModel);
    }

    [Fact]
    public void MlcServesItsFolderIsReadyByItsModelListAndAnswersToTheFolder()
    {
        var mlc = TestPrograms.Write(_programs, "mlc_llm", "exit 0");
        var resolver = Resolver(mlc: mlc);
        var (choice, _) = resolver.Choose(Compiled);

        var plan = resolver.Plan(choice!, Compiled, 4321, 2048, new ModelPlacement([1], 2L << 30, 0));

        Assert.Equal(
            ["serve", "/models/phi-mlc", "--device", "cuda:0", "--host", "127.0.0.1", "--port", "4321", "--overrides", "context_window_size=2048;tensor_parallel_shards=1"],
            plan.Arguments);
        Assert.Equal("1", plan.Environment["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("/v1/models", plan.ReadinessPath);
        Assert.Equal("/models/phi-mlc", plan.ServedModel);
    }

    [Theory]
    [InlineData("gguf", true, "llama.cpp")]
    [InlineData("gguf", false, "embedded")]
    [InlineData("safetensors", true, "vllm")]
    [InlineData("mlc", true, "mlc")]
    public void AutoPicksByFormatAndWhatIsInstalled(string format, bool installed, string expected)
    {
        string Program(string name) => installed ? TestPrograms.Write(_programs, name, "exit 0") : $"/nonexistent/{name}";

        var (choice, problem) = Resolver(Program("llama-server"), Program("vllm"), Program("mlc_llm")).Choose(Gguf with { Backend = "auto", Format = format });

        Assert.Null(problem);
        Assert.Equal(expected, choice!.Backend);
    }

    [Fact]
    public void AMissingVllmIsRefusedWithTheSettingThatFixesIt()
    {
        var (choice, problem) = Resolver(vllm: "/nonexistent/vllm").Choose(Safetensors);

        Assert.Null(choice);
        Assert.Equal("backend vllm: Lamina:Runner:VllmPath names '/nonexistent/vllm', which does not exist", problem);
    }

    [Fact]
    public void TheContextIsTheStartsThenTheManifestsThenTheModelsOwnCappedByTheDefault()
    {
        var resolver = Resolver();

        Assert.Equal(1024, resolver.ContextFor(Gguf with { ContextLength = 4096 }, 1024));
        Assert.Equal(4096, resolver.ContextFor(Gguf with { ContextLength = 4096 }, null));
        Assert.Equal(2048, resolver.ContextFor(Gguf, null));
        Assert.Equal(8192, resolver.ContextFor(Gguf with { Metadata = Gguf.Metadata! with { ContextLength = 131072 } }, null));
        Assert.Null(resolver.ContextFor(Safetensors with { ContextLength = null }, null));
    }

    public void Dispose() => _programs.Delete(recursive: true);

    private static BackendResolver Resolver(string? llamaServer = "/nonexistent/llama-server", string? vllm = null, string? mlc = null) =>
        new(Options.Create(new RunnerOptions { LlamaServerPath = llamaServer, VllmPath = vllm, MlcPath = mlc }));
}
