using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Lamina.Shared.Hosting;
using Lamina.TestSupport.Aspire;
using Lamina.TestSupport.Backends;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Lamina.AppHost.Tests;

/// <summary>
/// llama-server, vLLM and MLC started as their real command lines say, readiness by each one's
/// contract, and models placed on two GPUs by free memory, through the gateway.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(GpuSystemCollection.Name)]
public sealed class BackendsOnGpusTests(GpuSystemFixture fixture) : IAsyncLifetime
{
    private HttpClient Gateway => fixture.System.Gateway;

    private string Models => fixture.Models;

    [Fact]
    public async Task LlamaServerRunsOnTheRoomiestGpuWithItsRealCommandLineOnceItHasLoaded()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.System.App.GetConnectionStringAsync("redis"))!);
        var states = new global::System.Collections.Concurrent.ConcurrentQueue<string>();
        var events = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal("lamina:events:instances"));
        events.OnMessage(async message =>
        {
            if (message.Message == "tiny" && await redis.GetDatabase().StringGetAsync("lamina:instance:tiny") is { HasValue: true } recorded)
            {
                states.Enqueue(JsonNode.Parse(recorded.ToString())!["state"]!.GetValue<string>());
            }
        });

        var answer = await ChatAsync("tiny");
        await events.UnsubscribeAsync();

        Assert.Equal("hello from llama-server", answer);
        var record = fixture.RecordOf("llama-server", Path.Combine(Models, "tiny.gguf"))!;
        var port = Port(record.Argv);
        Assert.Equal(["-m", Path.Combine(Models, "tiny.gguf"), "--host", "127.0.0.1", "--port", port, "-a", "tiny", "-c", Context(), "-ngl", "999", "--metrics"], record.Argv);
        Assert.Equal("0", record.CudaVisibleDevices);
        // llama-server answers 503 while it loads: the Runner asked until it said 200, and only then sent the chat.
        Assert.Contains("request /health", record.Events.TakeWhile(e => e != "ready"));
        Assert.Equal("request /v1/chat/completions", record.Events.First(e => !e.EndsWith("/health", StringComparison.Ordinal) && e != "ready"));
        var instance = await InstanceAsync("tiny");
        Assert.Equal([0], instance["gpus"]!.AsArray().Select(gpu => gpu!.GetValue<int>()));
        Assert.Equal(999, instance["gpu_layers"]!.GetValue<int>());
        // Starting until it answers at all (each event is read a moment later, so the first state may already have passed).
        Assert.Equal(["loading", "ready"], states.Distinct().SkipWhile(state => state == "starting"));
    }

    [Fact]
    public async Task VllmServesItsFolderUnderTheModelsNameWithTheShareOfTheGpuThatIsFree()
    {
        var answer = await ChatAsync("qwen");

        Assert.Equal("hello from vllm", answer);
        var record = fixture.RecordOf("vllm", Path.Combine(Models, "qwen"))!;
        Assert.Equal(
            ["serve", Path.Combine(Models, "qwen"), "--host", "127.0.0.1", "--port", Port(record.Argv), "--served-model-name", "qwen",
             "--max-model-len", "4096", "--tensor-parallel-size", "1", "--gpu-memory-utilization", "0.78"],
            record.Argv);
        Assert.Equal("0", record.CudaVisibleDevices);
    }

    [Fact]
    public async Task MlcIsReadyWhenItListsItsModelAndAnswersUnderTheNameClientsUse()
    {
        await ChatAsync("qwen");

        // vLLM holds its share of GPU 0 (0.78 of 256 MiB), so the next model goes to GPU 1.
        var answer = await ChatAsync("phi-mlc");

        Assert.Equal("hello from mlc_llm", answer);
        var folder = Path.Combine(Models, "phi-mlc");
        var record = fixture.RecordOf("mlc_llm", folder)!;
        Assert.Equal(
            ["serve", folder, "--device", "cuda:0", "--host", "127.0.0.1", "--port", Port(record.Argv), "--overrides", "context_window_size=2048;tensor_parallel_shards=1"],
            record.Argv);
        Assert.Equal("1", record.CudaVisibleDevices);
        Assert.Contains("request /v1/models", record.Events);
        Assert.DoesNotContain("request /health", record.Events);
        Assert.Equal(folder, (await InstanceAsync("phi-mlc"))["served_model"]!.GetValue<string>());
    }

    [Fact]
    public async Task AModelNoSingleGpuHoldsIsSplitOverBoth()
    {
        // backend: auto picks vLLM for safetensors; 250 MiB and a fifth more needs 150 MiB on each of two GPUs.
        Assert.Equal("hello from vllm", await ChatAsync("big"));

        var record = fixture.RecordOf("vllm", Path.Combine(Models, "big"))!;
        Assert.Equal(["--tensor-parallel-size", "2", "--gpu-memory-utilization", "0.62"], record.Argv.TakeLast(4));
        Assert.Equal("0,1", record.CudaVisibleDevices);
        Assert.Contains("split over 2 GPUs", (await InstanceAsync("big"))["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task AModelThatFitsNowhereIsRefusedSayingWhatItNeedsAndWhatIsFree()
    {
        using var response = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat("huge"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var message = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>();
        Assert.StartsWith("cannot start 'huge': it needs about 1.2 GiB (its files (1 GiB) and a fifth more for activations and cache), and backend vllm runs on GPUs only", message);
        Assert.Contains("GPU 0 (NVIDIA Test GPU) 200 MiB free, GPU 1 (NVIDIA Test GPU) 160 MiB free", message);
        Assert.Null(fixture.RecordOf("vllm", Path.Combine(Models, "huge")));
    }

    [Fact]
    public async Task AStartCanChooseTheGpuAndTheContextAndAnotherChoiceStartsTheModelAgain()
    {
        using var invalid = await Gateway.PostAsJsonAsync("/models/tiny/start", new { gpu = "first" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        using var missing = await Gateway.PostAsJsonAsync("/models/tiny/start", new { gpu = "7" });
        Assert.Contains("GPU 7 does not exist; GPUs: 0 (NVIDIA Test GPU), 1 (NVIDIA Test GPU)", await missing.Content.ReadAsStringAsync());

        using var onOne = await Gateway.PostAsJsonAsync("/models/tiny/start", new { gpu = "1", context_length = 256 });
        Assert.Equal(HttpStatusCode.OK, onOne.StatusCode);
        var first = fixture.RecordOf("llama-server", Path.Combine(Models, "tiny.gguf"))!;
        Assert.Equal("1", first.CudaVisibleDevices);
        Assert.Equal(["-c", "256", "-ngl", "999"], first.Argv.SkipWhile(a => a != "-c").Take(4));

        using var onCpu = await Gateway.PostAsJsonAsync("/models/tiny/start", new { gpu = "cpu" });
        Assert.Equal(HttpStatusCode.OK, onCpu.StatusCode);
        var second = fixture.RecordOf("llama-server", Path.Combine(Models, "tiny.gguf"))!;
        Assert.NotEqual(first.Pid, second.Pid);
        Assert.Equal("", second.CudaVisibleDevices);
        Assert.Equal(["-ngl", "0"], second.Argv.SkipWhile(a => a != "-ngl").Take(2));
        Assert.Empty((await InstanceAsync("tiny"))["gpus"]!.AsArray());
    }

    [Fact]
    public async Task AContextOfNoTokensIsRefusedNamingTheField()
    {
        using var start = await Gateway.PostAsJsonAsync("/models/tiny/start", new { context_length = 0 });
        using var estimate = await Gateway.GetAsync("/models/tiny?context_length=0");

        Assert.Equal(HttpStatusCode.BadRequest, start.StatusCode);
        Assert.Contains("context_length is 0", await start.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, estimate.StatusCode);
        Assert.Contains("context_length is 0", await estimate.Content.ReadAsStringAsync());
        Assert.Empty(await LoadedAsync());
    }

    [Fact]
    public async Task WhenTheRamBudgetRunsOutTheLeastRecentlyUsedModelOnTheCpuStops()
    {
        await ChatAsync("cpu-a");
        await ChatAsync("cpu-b");
        await ChatAsync("cpu-a");

        await ChatAsync("cpu-c");

        Assert.Equal(["cpu-a", "cpu-c"], await LoadedAsync());
        Assert.Equal("", fixture.RecordOf("llama-server", "cpu-c")!.CudaVisibleDevices);
    }

    [Fact]
    public async Task AModelAnotherRunnerIsStartingIsWaitedForAndServedFromThereNotStartedTwice()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.System.App.GetConnectionStringAsync("redis"))!);
        var database = redis.GetDatabase();
        // Another Runner holds the start lock and runs the model's server.
        await database.StringSetAsync("lamina:instance:tiny:starting", "elsewhere/1", TimeSpan.FromSeconds(30));
        var port = LocalMachine.FreePort();
        using var elsewhere = Process.Start(new ProcessStartInfo(Path.Combine(fixture.Programs, "llama-server"),
            ["-m", Path.Combine(Models, "tiny.gguf"), "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "-a", "tiny"]))!;
        try
        {
            var start = Gateway.PostAsync("/models/tiny/start", null);
            // The other Runner records its instance once the server is ready, as this one does.
            await SlowModel.WaitHealthyAsync(port);
            Assert.False(start.IsCompleted);
            var record = new JsonObject
            {
                ["model"] = "tiny", ["backend"] = "llama.cpp", ["state"] = "ready", ["endpoint"] = $"http://127.0.0.1:{port}",
                ["pid"] = elsewhere.Id, ["started_at"] = DateTimeOffset.UtcNow, ["node"] = "elsewhere/1",
            };
            await database.StringSetAsync("lamina:instance:tiny", record.ToJsonString(), TimeSpan.FromSeconds(30));
            await database.KeyDeleteAsync("lamina:instance:tiny:starting");

            using var started = await start;
            Assert.Equal(HttpStatusCode.OK, started.StatusCode);
            Assert.Equal("elsewhere/1", (await started.Content.ReadFromJsonAsync<JsonObject>())!["node"]!.GetValue<string>());
            Assert.Equal("hello from llama-server", await ChatAsync("tiny"));
            Assert.Empty(await LoadedAsync());
        }
        finally
        {
            await database.KeyDeleteAsync(["lamina:instance:tiny", "lamina:instance:tiny:starting"]);
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal("lamina:events:instances"), "tiny");
            elsewhere.Kill();
            await elsewhere.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task ARunnerKilledOutrightLeavesNoRecordAndItsSuccessorEndsItsBackends()
    {
        await ChatAsync("tiny");
        var backend = fixture.RecordOf("llama-server", Path.Combine(Models, "tiny.gguf"))!.Pid;
        Process.GetProcessById(fixture.System.ProcessOf("runner")!.Value).Kill();

        // Its records expire after three missed heartbeats; the Registry stops listing the model as active.
        Assert.True(await Eventually.TrueAsync(
            async () => !(await Gateway.GetFromJsonAsync<JsonObject>("/models/tiny"))!["active"]!.GetValue<bool>(), TimeSpan.FromSeconds(15)));

        await fixture.System.StartAgainAsync("runner", "resource-start");
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(!Exists(backend)), TimeSpan.FromSeconds(10)));
        Assert.Equal("hello from llama-server", await ChatAsync("tiny"));
    }

    [Fact]
    public async Task ADedicatedEmbeddingModelOnLlamaServerAnswersEmbeddingsInBothFamilies()
    {
        using var put = await Gateway.PutAsJsonAsync("/models/embed-only", new { path = "tiny.gguf", backend = "llama.cpp", gpu_layers = 0, use_cases = new[] { "embeddings" } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        try
        {
            using var openAi = await Gateway.PostAsJsonAsync("/v1/embeddings", new { model = "embed-only", input = "hello" });
            using var ollama = await Gateway.PostAsJsonAsync("/api/embed", new { model = "embed-only", input = "hello" });

            // llama-server answers 501 to embeddings unless started for them.
            Assert.True(openAi.IsSuccessStatusCode, await openAi.Content.ReadAsStringAsync());
            Assert.NotEmpty((await openAi.Content.ReadFromJsonAsync<JsonObject>())!["data"]![0]!["embedding"]!.AsArray());
            Assert.True(ollama.IsSuccessStatusCode, await ollama.Content.ReadAsStringAsync());
            Assert.NotEmpty((await ollama.Content.ReadFromJsonAsync<JsonObject>())!["embeddings"]![0]!.AsArray());
            var started = FakeBackends.ReadRecords(fixture.Records).Last(record => record.Personality == "llama-server" && record.Argv.Contains("embed-only"));
            Assert.Contains("--embeddings", started.Argv);

            // A model started to chat says how to make it embed.
            using var chatter = await Gateway.PostAsJsonAsync("/api/embed", new { model = "cpu-a", input = "hello" });
            Assert.Equal(HttpStatusCode.BadRequest, chatter.StatusCode);
            Assert.EndsWith("give \"cpu-a\" use_cases: [embeddings] alone in models.yaml (llama-server then embeds and does not chat)",
                (await chatter.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
        }
        finally
        {
            (await Gateway.PostAsync("/models/embed-only/stop", null)).Dispose();
            (await Gateway.PostAsync("/models/cpu-a/stop", null)).Dispose();
            (await Gateway.DeleteAsync("/models/embed-only")).Dispose();
        }
    }

    private static bool Exists(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private string Context() => fixture.TinyContext.ToString(CultureInfo.InvariantCulture);

    private static string Port(IReadOnlyList<string> argv) => argv[argv.ToList().IndexOf("--port") + 1];

    private async Task<string> ChatAsync(string model)
    {
        using var response = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat(model));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["choices"]![0]!["message"]!["content"]!.GetValue<string>();
    }

    private static object Chat(string model) => new { model, max_tokens = 16, messages = new[] { new { role = "user", content = "hi" } } };

    private async Task<JsonObject> InstanceAsync(string model) => (await Gateway.GetFromJsonAsync<JsonObject>($"/instances/{model}"))!;

    private async Task<List<string>> LoadedAsync() =>
        [.. (await Gateway.GetFromJsonAsync<JsonObject>("/instances"))!["instances"]!.AsArray().Select(i => i!["model"]!.GetValue<string>()).Order()];

    public async Task InitializeAsync()
    {
        foreach (var model in await LoadedAsync())
        {
            (await Gateway.PostAsync($"/models/{model}/stop", null)).EnsureSuccessStatusCode();
        }
    }

    public Task DisposeAsync() => InitializeAsync();
}
