using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Lamina.TestSupport.Backends;

namespace Lamina.Peers.Tests;

/// <summary>The stand-ins for llama-server, vllm and mlc_llm, run as real processes through their installed wrappers.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FakeBackendTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("lamina-fakes-");
    private readonly HttpClient _client = Clients.Following();
    private readonly string _bin;
    private readonly string _records;

    public FakeBackendTests()
    {
        _bin = FakeBackends.Install(Path.Combine(_root.FullName, "bin"));
        _records = Path.Combine(_root.FullName, "records");
    }

    public void Dispose()
    {
        _client.Dispose();
        _root.Delete(recursive: true);
    }

    [Theory]
    [InlineData("llama-server", "", "version: 9999 (fake)\nbuilt with fake for x86_64")]
    [InlineData("vllm", "0.0.0+fake", "")]
    [InlineData("mlc_llm", "mlc_llm 0.0.0 (fake)", "")]
    public async Task VersionPrintsWhereTheRealProgramPrintsIt(string personality, string stdout, string stderr)
    {
        var (exitCode, output, error) = await BackendProcess.RunToExitAsync(Program(personality), "--version");

        Assert.Equal(0, exitCode);
        Assert.Equal(stdout, output);
        Assert.Equal(stderr, error);
    }

    [Theory]
    [InlineData("llama-server", "-m m.gguf --port=8080", "unrecognized arguments: --port=8080")]
    [InlineData("llama-server", "-m m.gguf --port abc", "argument --port: invalid int value: 'abc'")]
    [InlineData("llama-server", "--port 8080", "the following arguments are required: -m/--model")]
    [InlineData("vllm", "serve m --foo", "unrecognized arguments: --foo")]
    [InlineData("vllm", "serve m --port", "argument --port: expected one argument")]
    [InlineData("vllm", "serve --port 8000", "the following arguments are required: model_tag")]
    [InlineData("mlc_llm", "serve", "the following arguments are required: model")]
    [InlineData("mlc_llm", "serve m --overrides context_window_size", "argument --overrides: 'context_window_size' is not key=value")]
    [InlineData("mlc_llm", "serve m --overrides tp=2", "argument --overrides: unknown key 'tp'")]
    public async Task CommandLinesTheRealProgramRefusesExitWithUsageError(string personality, string arguments, string message)
    {
        var (exitCode, output, error) = await BackendProcess.RunToExitAsync(Program(personality), arguments.Split(' '));

        Assert.Equal(2, exitCode);
        Assert.Contains($"error: {message}", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task LlamaServerBindsAtOnceAndAnswers503UntilLoaded()
    {
        var port = BackendProcess.FreePort();
        await using var backend = Start("llama-server", ["-m", "/models/m.gguf", "--port", $"{port}"], loadMs: 1500);

        await backend.WaitForOutputAsync("main: loading model");
        using var loading = await _client.GetAsync(Url(port, "health"));
        await backend.WaitForOutputAsync($"main: server is listening on http://127.0.0.1:{port} - starting the main loop");
        using var ready = await _client.GetAsync(Url(port, "health"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, loading.StatusCode);
        var error = (await loading.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal(503, error.GetProperty("code").GetInt32());
        Assert.Equal("Loading model", error.GetProperty("message").GetString());
        Assert.Equal("unavailable_error", error.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task VllmOpensItsSocketOnlyOnceLoaded()
    {
        var port = BackendProcess.FreePort();
        await using var backend = Start("vllm", ["serve", "org/model", "--host", "127.0.0.1", "--port", $"{port}"], loadMs: 1500);

        await backend.WaitForOutputAsync("INFO:     Waiting for application startup.");
        using var early = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => early.ConnectAsync(IPAddress.Loopback, port));
        await backend.WaitForOutputAsync("INFO:     Application startup complete.");
        using var health = await _client.GetAsync(Url(port, "health"));

        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MlcHasNoHealthOrEmbeddingsAndIsReadyWhenItListsItsModel()
    {
        var port = BackendProcess.FreePort();
        await using var backend = Start("mlc_llm", ["serve", "./dist/Model-q4f16_1-MLC", "--port", $"{port}"]);
        await backend.WaitForOutputAsync("INFO:     Application startup complete.");

        using var health = await _client.GetAsync(Url(port, "health"));
        using var embeddings = await _client.PostAsJsonAsync(Url(port, "v1/embeddings"), new { input = "x" });
        var models = await _client.GetFromJsonAsync<JsonElement>(Url(port, "v1/models"));

        Assert.Equal(HttpStatusCode.NotFound, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, embeddings.StatusCode);
        Assert.Equal("list", models.GetProperty("object").GetString());
        Assert.Equal("./dist/Model-q4f16_1-MLC", models.GetProperty("data")[0].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("llama-server")]
    [InlineData("vllm")]
    [InlineData("mlc_llm")]
    public async Task ChatAnswersWholeOrStreamedToDone(string personality)
    {
        var port = BackendProcess.FreePort();
        string[] arguments = personality == "llama-server"
            ? ["-m", "/models/m.gguf", "--port", $"{port}", "-a", "the-model"]
            : ["serve", "the-model", "--port", $"{port}"];
        await using var backend = Start(personality, arguments, loadMs: 0);
        await backend.WaitForOutputAsync(ReadyLine(personality));
        var messages = new[] { new { role = "user", content = "say hello" } };

        using var whole = await _client.PostAsJsonAsync(Url(port, "v1/chat/completions"), new { model = "the-model", messages });
        using var capped = await _client.PostAsJsonAsync(Url(port, "v1/chat/completions"), new { model = "the-model", messages, max_tokens = 1 });
        using var streamed = await _client.PostAsJsonAsync(Url(port, "v1/chat/completions"), new { model = "the-model", messages, stream = true });

        var body = await whole.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("the-model", body.GetProperty("model").GetString());
        Assert.Equal($"hello from {personality}", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(3, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        var cut = (await capped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("choices")[0];
        Assert.Equal("hello", cut.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", cut.GetProperty("finish_reason").GetString());

        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType?.MediaType);
        var events = (await streamed.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1]);
        var text = string.Concat(events[..^1]
            .Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement.GetProperty("choices")[0].GetProperty("delta"))
            .Select(delta => delta.TryGetProperty("content", out var content) ? content.GetString() : ""));
        Assert.Equal($"hello from {personality}", text);
    }

    [Fact]
    public async Task VllmAnswersOnlyToItsServedModelName()
    {
        var port = BackendProcess.FreePort();
        await using var backend = Start("vllm", ["serve", "/models/org/model", "--port", $"{port}", "--served-model-name", "served"], loadMs: 0);
        await backend.WaitForOutputAsync(ReadyLine("vllm"));

        using var byPath = await _client.PostAsJsonAsync(Url(port, "v1/completions"), new { model = "/models/org/model", prompt = "hi" });
        using var byName = await _client.PostAsJsonAsync(Url(port, "v1/completions"), new { model = "served", prompt = "hi" });

        Assert.Equal(HttpStatusCode.NotFound, byPath.StatusCode);
        Assert.Equal(
            """{"object":"error","message":"The model `/models/org/model` does not exist.","type":"NotFoundError","param":null,"code":404}""",
            await byPath.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, byName.StatusCode);
        var body = await byName.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("served", body.GetProperty("model").GetString());
        Assert.Equal("hello from vllm", body.GetProperty("choices")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task MlcAnswersOnlyToTheModelStringOfItsCommandLine()
    {
        var port = BackendProcess.FreePort();
        await using var backend = Start("mlc_llm", ["serve", "./dist/m", "--port", $"{port}"], loadMs: 0);
        await backend.WaitForOutputAsync(ReadyLine("mlc_llm"));

        using var other = await _client.PostAsJsonAsync(Url(port, "v1/completions"), new { model = "dist/m", prompt = "hi" });
        using var same = await _client.PostAsJsonAsync(Url(port, "v1/completions"), new { model = "./dist/m", prompt = "hi" });

        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        var error = await other.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("error", error.GetProperty("object").GetString());
        Assert.Contains("\"dist/m\"", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
    }

    [Theory]
    [InlineData("2,3")]
    [InlineData(null)]
    public async Task RecordHoldsTheExactArgvAndCudaVisibleDevices(string? devices)
    {
        var port = BackendProcess.FreePort();
        string[] arguments = ["-m", "/models/m.gguf", "--port", $"{port}", "-a", "my \"model\" 's $HOME", "-fa", "on", "-ngl", "-1", "--jinja"];
        await using var backend = Start("llama-server", arguments, loadMs: 0, cudaVisibleDevices: devices);
        await backend.WaitForOutputAsync(ReadyLine("llama-server"));

        backend.Terminate();
        Assert.Equal(0, await backend.WaitForExitAsync());

        var record = FakeBackends.ReadRecord(_records, "llama-server");
        Assert.NotNull(record);
        Assert.Equal(arguments, record.Argv);
        Assert.Equal(devices, record.CudaVisibleDevices);
        Assert.Equal(backend.Id, record.Pid);
        Assert.Equal(["ready", "sigterm", "exit 0"], record.Events);
    }

    [Fact]
    public async Task ExitAfterKnobCrashesWithCode3OnceReady()
    {
        var port = BackendProcess.FreePort();
        await using var backend = Start("vllm", ["serve", "m", "--port", $"{port}"], loadMs: 0,
            extra: new() { ["LAMINA_FAKE_EXIT_AFTER_MS"] = "200" });

        Assert.Equal(3, await backend.WaitForExitAsync());
        Assert.Equal(["ready", "exit 3"], FakeBackends.ReadRecord(_records, "vllm")!.Events);
    }

    [Fact]
    public async Task SigtermEndsTheBackendWithExitCode0AtOnce()
    {
        var port = BackendProcess.FreePort();
        await using var backend = Start("vllm", ["serve", "m", "--port", $"{port}"], loadMs: 0);
        await backend.WaitForOutputAsync(ReadyLine("vllm"));

        var stopwatch = Stopwatch.StartNew();
        backend.Terminate();
        var exitCode = await backend.WaitForExitAsync();

        Assert.Equal(0, exitCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"exit took {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task AClientLeavingMidStreamIsRecordedAsCancelled()
    {
        var port = BackendProcess.FreePort();
        await using var backend = Start("llama-server", ["-m", "m.gguf", "--port", $"{port}"], loadMs: 0,
            extra: new() { ["LAMINA_FAKE_TOKEN_MS"] = "300" });
        await backend.WaitForOutputAsync(ReadyLine("llama-server"));

        // A handler that drains nothing closes the connection when the response is dropped, as a client that gives up does.
        using (var leaving = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Url(port, "v1/completions"));
            request.Content = JsonContent.Create(new { prompt = "hi", stream = true });
            using var response = await leaving.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);
        }

        // The record is a file; nothing signals when the backend appends to it.
        var deadline = DateTime.UtcNow + BackendProcess.Timeout;
        while (!FakeBackends.ReadRecord(_records, "llama-server")!.Events.Contains("cancelled") && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal(["ready", "request /v1/completions", "cancelled"], FakeBackends.ReadRecord(_records, "llama-server")!.Events);
    }

    private string Program(string personality) => Path.Combine(_bin, personality);

    private static Uri Url(int port, string path) => new($"http://127.0.0.1:{port}/{path}");

    private static string ReadyLine(string personality) =>
        personality == "llama-server" ? "starting the main loop" : "INFO:     Application startup complete.";

    private BackendProcess Start(
        string personality,
        string[] arguments,
        int loadMs = 300,
        string? cudaVisibleDevices = null,
        Dictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>(extra ?? [])
        {
            ["LAMINA_FAKE_LOAD_MS"] = $"{loadMs}",
            ["LAMINA_FAKE_RECORD_DIR"] = _records,
            ["CUDA_VISIBLE_DEVICES"] = cudaVisibleDevices,
        };
        return BackendProcess.Start(Program(personality), arguments, environment);
    }
}
