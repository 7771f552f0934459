using Lamina.Runner.Backends;
using Lamina.Shared.Contracts;
using Microsoft.Extensions.Options;

namespace Lamina.Runner.Tests;

public sealed class BackendResolverTests
{
    private static readonly CatalogModel Model = new("tiny", "llama.cpp", "tiny.gguf", "/models/tiny.gguf", true, null);

    [Fact]
    public void LlamaCppModelRunsOnLlamaServerWhenItIsInstalled()
    {
        var server = Path.GetTempFileName();
        try
        {
            var (plan, problem) = Resolver(llamaServer: server).Resolve(Model, 4321);

            Assert.Null(problem);
            Assert.Equal(BackendResolver.LlamaCpp, plan!.Backend);
            Assert.Equal(server, plan.FileName);
            Assert.Equal(["-m", "/models/tiny.gguf", "--host", "127.0.0.1", "--port", "4321", "-a", "tiny"], plan.Arguments);
        }
        finally
        {
            File.Delete(server);
        }
    }

    [Fact]
    public void LlamaCppModelFallsBackToTheEmbeddedEngineAndSaysSo()
    {
        var (plan, _) = Resolver(llamaServer: "/nonexistent/llama-server").Resolve(Model, 4321);

        Assert.Equal(BackendResolver.Embedded, plan!.Backend);
        Assert.Contains("embedded", plan.Note);
        Assert.Contains(plan.Arguments, argument => argument.EndsWith("Lamina.Engine.dll", StringComparison.Ordinal));
        Assert.Equal(["-m", "/models/tiny.gguf", "--host", "127.0.0.1", "--port", "4321", "-a", "tiny"], plan.Arguments.TakeLast(8));
    }

    [Fact]
    public void UnsupportedBackendIsRefusedWithTheReason()
    {
        var (plan, problem) = Resolver().Resolve(Model with { Backend = "vllm" }, 4321);

        Assert.Null(plan);
        Assert.Contains("'vllm' is not supported", problem);
    }

    private static BackendResolver Resolver(string? llamaServer = "/nonexistent/llama-server") =>
        new(Options.Create(new RunnerOptions { LlamaServerPath = llamaServer }));
}
