using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.TestSupport.Aspire;

namespace Lamina.AppHost.Tests;

[Collection(SystemCollection.Name)]
public sealed class ChatThroughGatewayTests(SystemFixture fixture)
{
    private HttpClient Gateway => fixture.System.Gateway;

    [Fact]
    public async Task ChatRequestStartsAStoppedModelAndAnswers()
    {
        await Gateway.PostAsync($"/models/{LaminaSystem.TinyModel}/stop", null);

        using var response = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat(stream: false, maxTokens: 8));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("chat.completion", body["object"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["choices"]![0]!["message"]!["content"]!.GetValue<string>()));
        Assert.Equal("length", body["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal(8, body["usage"]!["completion_tokens"]!.GetValue<int>());

        var instances = (await Gateway.GetFromJsonAsync<JsonObject>("/instances"))!;
        var tiny = instances["instances"]!.AsArray().Single(i => i!["model"]!.GetValue<string>() == LaminaSystem.TinyModel)!;
        Assert.Equal("ready", tiny["state"]!.GetValue<string>());
        Assert.Equal("embedded", tiny["backend"]!.GetValue<string>());
        Assert.StartsWith("http://127.0.0.1:", tiny["endpoint"]!.GetValue<string>());
    }

    [Fact]
    public async Task StreamingChatArrivesAsServerSentEventsEndingWithDone()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Chat(stream: true, maxTokens: 12)) };
        using var response = await Gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = await ReadEventsAsync(response);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonNode.Parse(e)!).ToList();
        Assert.All(chunks, chunk => Assert.Equal("chat.completion.chunk", chunk["object"]!.GetValue<string>()));
        var text = string.Concat(chunks.Select(c => c["choices"]?[0]?["delta"]?["content"]?.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(text));
        var last = chunks.Last(c => c["choices"]?[0]?["finish_reason"] is JsonValue);
        Assert.Equal("length", last["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal(12, chunks.Last(c => c["usage"] is JsonObject)["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task LaminaLlmServesChatRouteAnswersForTheNamedModel()
    {
        using var response = await Gateway.PostAsJsonAsync($"/chat/{LaminaSystem.TinyModel}", new
        {
            messages = new[] { new { role = "user", content = "Say hello." } },
            max_tokens = 4,
            ignore_eos = true,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("chat.completion", body["object"]!.GetValue<string>());
        Assert.Equal(4, body["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task StreamingPassesThroughAsTheTokensAreMadeNotAllAtTheEnd()
    {
        await Gateway.PostAsync($"/models/{LaminaSystem.TinyModel}/start", null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Chat(stream: true, maxTokens: 200)) };
        using var response = await Gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var clock = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan? first = null;
        while (await reader.ReadLineAsync() is { } line && line != "data: [DONE]")
        {
            first ??= line.StartsWith("data: ", StringComparison.Ordinal) ? clock.Elapsed : null;
        }

        // A buffering proxy would hand over every event at once, at the end.
        Assert.NotNull(first);
        Assert.True(clock.Elapsed - first > TimeSpan.FromMilliseconds(20), $"first event at {first}, last at {clock.Elapsed}");
    }

    [Fact]
    public async Task StopOnRequestEndsTheBackendProcess()
    {
        using var started = await Gateway.PostAsync($"/models/{LaminaSystem.TinyModel}/start", null);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var instance = (await started.Content.ReadFromJsonAsync<JsonObject>())!;
        var pid = instance["pid"]!.GetValue<int>();
        Assert.True(ProcessTable.IsAlive(pid));

        using var stopped = await Gateway.PostAsync($"/models/{LaminaSystem.TinyModel}/stop", null);

        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        Assert.True((await stopped.Content.ReadFromJsonAsync<JsonObject>())!["stopped"]!.GetValue<bool>());
        Assert.False(ProcessTable.IsAlive(pid));
        Assert.True(await Eventually.TrueAsync(async () =>
            !(await Gateway.GetFromJsonAsync<JsonObject>($"/models/{LaminaSystem.TinyModel}"))!["active"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task FollowedLogsStreamAsEventsUntilTheBackendStops()
    {
        (await Gateway.PostAsync($"/models/{LaminaSystem.TinyModel}/start", null)).EnsureSuccessStatusCode();
        using var response = await Gateway.GetAsync($"/instances/{LaminaSystem.TinyModel}/logs?follow=true", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("event: log", await reader.ReadLineAsync());
        Assert.StartsWith("data: ", await reader.ReadLineAsync());

        (await Gateway.PostAsync($"/models/{LaminaSystem.TinyModel}/stop", null)).EnsureSuccessStatusCode();

        // The stream ends with the backend's output (reading to the end returns only then).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var rest = await reader.ReadToEndAsync(timeout.Token);
        Assert.All(rest.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches("^(event: log|data: )", line));
    }

    [Fact]
    public async Task CrashedBackendIsStartedAgainWithANewProcess()
    {
        using var started = await Gateway.PostAsync($"/models/{LaminaSystem.TinyModel}/start", null);
        var pid = (await started.Content.ReadFromJsonAsync<JsonObject>())!["pid"]!.GetValue<int>();

        global::System.Diagnostics.Process.GetProcessById(pid).Kill();

        Assert.True(await Eventually.TrueAsync(async () =>
        {
            using var response = await Gateway.GetAsync($"/instances/{LaminaSystem.TinyModel}");
            return response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonObject>())! is var instance
                && instance["state"]!.GetValue<string>() == "ready" && instance["pid"]!.GetValue<int>() != pid;
        }, TimeSpan.FromSeconds(15)));
        using var answered = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat(stream: false, maxTokens: 2));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Fact]
    public async Task IdleModelStopsAfterItsKeepAliveAndOneInUseDoesNot()
    {
        var original = await File.ReadAllTextAsync(fixture.System.ManifestPath);
        try
        {
            (await Gateway.PutAsJsonAsync("/models/sleepy", new { path = "tiny.gguf", backend = "embedded", keep_alive = "2s" })).EnsureSuccessStatusCode();
            using var answered = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat(stream: false, maxTokens: 2, model: "sleepy"));
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            var pid = (await Gateway.GetFromJsonAsync<JsonObject>("/instances/sleepy"))!["pid"]!.GetValue<int>();

            // Used again within its keep_alive: it stays.
            await Task.Delay(TimeSpan.FromSeconds(1.2));
            (await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat(stream: false, maxTokens: 2, model: "sleepy"))).EnsureSuccessStatusCode();
            await Task.Delay(TimeSpan.FromSeconds(1.2));
            Assert.True(ProcessTable.IsAlive(pid));

            Assert.True(await Eventually.TrueAsync(async () => (await Gateway.GetAsync("/instances/sleepy")).StatusCode == HttpStatusCode.NotFound, TimeSpan.FromSeconds(6)));
            Assert.True(await Eventually.TrueAsync(() => Task.FromResult(!ProcessTable.IsAlive(pid)), TimeSpan.FromSeconds(5)));
        }
        finally
        {
            await fixture.RestoreManifestAsync(original);
        }
    }

    [Fact]
    public async Task UnknownModelGetsNotFoundInOpenAiShape()
    {
        using var response = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat(stream: false, maxTokens: 4, model: "no-such-model"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("model_not_found", error["code"]!.GetValue<string>());
        Assert.Contains("no-such-model", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task ModelNotOnDiskGetsConflictWithADownloadHint()
    {
        using var response = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat(stream: false, maxTokens: 4, model: LaminaSystem.AbsentModel));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("model_not_downloaded", error["code"]!.GetValue<string>());
        Assert.Contains("download", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task BackendThatDiesWhileLoadingIsABadGatewayWithItsLastWords()
    {
        using var response = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat(stream: false, maxTokens: 4, model: LaminaSystem.BrokenModel));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("backend_failed", error["code"]!.GetValue<string>());
        Assert.Contains("exited with code", error["message"]!.GetValue<string>());
        var instance = (await Gateway.GetFromJsonAsync<JsonObject>("/instances"))!["instances"]!.AsArray()
            .SingleOrDefault(i => i!["model"]!.GetValue<string>() == LaminaSystem.BrokenModel);
        Assert.Null(instance);
    }

    [Fact]
    public async Task MalformedBodyIsRefusedBeforeAnyBackendStarts()
    {
        using var broken = await Gateway.PostAsync("/v1/chat/completions", new StringContent("{\"messages\": [", Encoding.UTF8, "application/json"));
        using var noMessages = await Gateway.PostAsJsonAsync("/v1/chat/completions", new { model = LaminaSystem.TinyModel, max_tokens = 4 });

        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        var error = (await broken.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.StartsWith("the body is not valid JSON", error["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, noMessages.StatusCode);
        Assert.Equal("messages", (await noMessages.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["param"]!.GetValue<string>());
    }

    private static object Chat(bool stream, int maxTokens, string model = LaminaSystem.TinyModel) => new
    {
        model,
        messages = new[] { new { role = "user", content = "Say hello." } },
        max_tokens = maxTokens,
        ignore_eos = true,
        seed = 7,
        stream,
    };

    private static async Task<List<string>> ReadEventsAsync(HttpResponseMessage response)
    {
        var events = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(line["data: ".Length..]);
            }
        }

        return events;
    }
}
