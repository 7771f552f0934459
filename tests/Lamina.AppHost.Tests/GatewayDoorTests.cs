using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Lamina.Shared.Contracts;
using Lamina.Shared.Hosting;
using Lamina.TestSupport.Aspire;
using Lamina.TestSupport.Backends;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Lamina.AppHost.Tests;

/// <summary>Keys, the per-model queue, waiting for a model while streaming, aliases, body limits and pass-through streams.</summary>
[Collection(GpuSystemCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class GatewayDoorTests(GpuSystemFixture fixture) : IAsyncLifetime
{
    private HttpClient Gateway => fixture.System.Gateway;

    [Fact]
    public async Task WithoutAKeyOnlyHealthAndTheDocsAnswerAndEachFamilyRefusesInItsOwnShape()
    {
        using var anonymous = new HttpClient { BaseAddress = Gateway.BaseAddress };

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
        // A browser sends no Authorization header: the reference page and the document it reads open without one.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/docs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/openapi/lamina.json")).StatusCode);
        using var openAi = await anonymous.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, openAi.StatusCode);
        var error = (await openAi.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("invalid_api_key", error["code"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal("Bearer", openAi.Headers.WwwAuthenticate.Single().Scheme);
        using var ollama = await anonymous.GetAsync("/api/tags");
        Assert.Contains("needs an API key", (await ollama.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
        using var rest = await anonymous.GetAsync("/models");
        Assert.Equal("application/problem+json", rest.Content.Headers.ContentType?.MediaType);

        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-key");
        using var wrong = await anonymous.GetAsync("/models");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.DoesNotContain("not-a-key", await wrong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AUserKeyUsesModelsAndOnlyAnAdminKeyChangesWhatRuns()
    {
        using var user = new HttpClient { BaseAddress = Gateway.BaseAddress };
        user.DefaultRequestHeaders.Authorization = new("Bearer", "lamina-user-key-2");

        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/models")).StatusCode);
        using var chat = await user.PostAsJsonAsync("/v1/chat/completions", Chat("tiny", stream: false));
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        using var stop = await user.PostAsync("/models/tiny/stop", null);
        Assert.Equal(HttpStatusCode.Forbidden, stop.StatusCode);
        Assert.Contains("needs an admin key", await stop.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await Gateway.PostAsync("/models/tiny/stop", null)).StatusCode);
    }

    [Fact]
    public async Task BeyondTheModelsQueueARequestGetsTooManyRequestsWithRetryAfter()
    {
        await using var slow = await SlowModel.StartAsync(fixture);
        // One answers (a token a second), one waits, the third has no place.
        using var first = await SendAsync(Gateway, Chat(SlowModel.Name, stream: true));
        using var reader = new StreamReader(await first.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: {", await reader.ReadLineAsync());
        var second = ReadStreamAsync(Chat(SlowModel.Name, stream: true));
        await Task.Delay(500);

        using var third = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat(SlowModel.Name, stream: true));

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("model_queue_full", (await third.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>());
        Assert.EndsWith("data: [DONE]\n\n", await reader.ReadToEndAsync());
        Assert.EndsWith("data: [DONE]\n\n", await second);
    }

    [Fact]
    public async Task AStreamForAStoppedModelHearsKeepAlivesWhileItLoadsThenItsTokens()
    {
        var stream = await ReadStreamAsync(Chat("tiny", stream: true));

        // The fake llama-server takes 1.8 s to load: the answer begins after a quiet second, then a comment comes every 200 ms.
        Assert.StartsWith(": loading model 'tiny'\n\n: loading model 'tiny'\n\n", stream);
        Assert.Contains("\"content\":\"hello\"", stream);
        Assert.EndsWith("data: [DONE]\n\n", stream);
    }

    [Fact]
    public async Task AStreamForAModelThatCannotStartGetsItsRefusalsStatusNotAStream()
    {
        using var response = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat("huge", stream: true));

        // The Runner refuses at once (it fits no GPU): the client hears 503 and why, as a non-streaming request would.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.StartsWith("cannot start 'huge'", error["message"]!.GetValue<string>());
        Assert.Equal("model_unavailable", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task AClientsKeyNeverReachesTheModelsBackend()
    {
        using var chat = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat("tiny", stream: false));
        using var streamed = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat("tiny", stream: true));

        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        var events = fixture.RecordOf("llama-server", Path.Combine(fixture.Models, "tiny.gguf"))!.Events;
        Assert.Contains("request /v1/chat/completions", events);
        Assert.DoesNotContain(events, e => e.StartsWith("authorization", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABackendThatIsGoneIsABadGatewaySayingSoInOpenAisShape()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.System.App.GetConnectionStringAsync("redis"))!);
        // A ready record whose process died without a word: nothing listens on its port.
        await RecordReadyAsync(redis.GetDatabase(), "ghost", $"http://127.0.0.1:{LocalMachine.FreePort()}", "elsewhere/1", TimeSpan.FromMinutes(1));
        try
        {
            using var response = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat("ghost", stream: false));

            Assert.True(response.StatusCode == HttpStatusCode.BadGateway, await response.Content.ReadAsStringAsync());
            var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
            Assert.Equal("backend_unavailable", error["code"]!.GetValue<string>());
            Assert.StartsWith("the backend of model 'ghost' did not answer", error["message"]!.GetValue<string>());
        }
        finally
        {
            await redis.GetDatabase().KeyDeleteAsync("lamina:instance:ghost");
        }
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/api/chat")]
    public async Task ARequestThatFindsItsBackendGoneIsServedWhereTheRunnerStartsTheModelAgain(string path)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.System.App.GetConnectionStringAsync("redis"))!);
        // This Runner's own record, left by a backend that died without a word: the store still names it, the Runner knows better.
        var dead = $"http://127.0.0.1:{LocalMachine.FreePort()}";
        await RecordReadyAsync(redis.GetDatabase(), "cpu-b", dead, $"{Environment.MachineName}/{fixture.System.ProcessOf("runner")}", TimeSpan.FromMinutes(1));

        using var response = await Gateway.PostAsJsonAsync(path, Chat("cpu-b", stream: false));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("hello from llama-server", body);
        Assert.NotEqual(dead, (await Gateway.GetFromJsonAsync<JsonObject>("/instances"))!["instances"]!.AsArray()
            .Single(instance => instance!["model"]!.GetValue<string>() == "cpu-b")!["endpoint"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/v1/chat/completions", "error.message")]
    [InlineData("/api/chat", "error")]
    public async Task ARequestWhoseBackendIsGoneAndWhoseModelCannotStartAgainGetsTheRunnersReasonNotABadGateway(string path, string field)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.System.App.GetConnectionStringAsync("redis"))!);
        // This Runner's record of a model that, asked again, fits on no GPU.
        await RecordReadyAsync(redis.GetDatabase(), "huge", $"http://127.0.0.1:{LocalMachine.FreePort()}",
            $"{Environment.MachineName}/{fixture.System.ProcessOf("runner")}", TimeSpan.FromMinutes(1));
        try
        {
            using var response = await Gateway.PostAsJsonAsync(path, Chat("huge", stream: false));

            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, body?.ToJsonString());
            var message = field == "error" ? body!["error"]! : body!["error"]!["message"]!;
            Assert.StartsWith("cannot start 'huge': it needs about 1.2 GiB", message.GetValue<string>());
        }
        finally
        {
            await redis.GetDatabase().KeyDeleteAsync("lamina:instance:huge");
        }
    }

    [Fact]
    public async Task AModelWhoseBackendWentAwayAndIsLongStartingAgainIsStillLoadingNotAServiceFailure()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.System.App.GetConnectionStringAsync("redis"))!);
        var database = redis.GetDatabase();
        // A backend that takes the request and dies without a word while its record lapses; meanwhile the model
        // starts again elsewhere, for longer than the gateway's StartTimeout.
        using var dying = new global::System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        dying.Start();
        await database.StringSetAsync("lamina:instance:cpu-a:starting", "elsewhere/1", TimeSpan.FromMinutes(1));
        await RecordReadyAsync(database, "cpu-a", $"http://127.0.0.1:{((IPEndPoint)dying.LocalEndpoint).Port}", "elsewhere/1", TimeSpan.FromSeconds(30));
        var backend = Task.Run(async () =>
        {
            using var socket = await dying.AcceptSocketAsync();
            await socket.ReceiveAsync(new byte[4096]);
            await database.KeyDeleteAsync("lamina:instance:cpu-a");
        });
        try
        {
            var clock = Stopwatch.StartNew();
            using var response = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat("cpu-a", stream: false));
            await backend;

            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, body);
            var error = JsonNode.Parse(body)!["error"]!;
            Assert.Equal("model_loading", error["code"]!.GetValue<string>());
            Assert.StartsWith("model 'cpu-a' is still loading after 10 s (Lamina:Gateway:StartTimeout)", error["message"]!.GetValue<string>());
            Assert.True(clock.Elapsed > TimeSpan.FromSeconds(9), $"answered after {clock.Elapsed}: the gateway did not wait for the start");
        }
        finally
        {
            await database.KeyDeleteAsync(["lamina:instance:cpu-a", "lamina:instance:cpu-a:starting"]);
            // The Runner goes on with the start it waited for: joining it lets it end before the next test stops what runs.
            (await Gateway.PostAsync("/models/cpu-a/start", null)).Dispose();
        }
    }

    [Fact]
    public void WhereTheSystemAllowsItTheGatewayRunsAheadOfCpuBoundBackends()
    {
        var gateway = fixture.System.ProcessOf("gateway")!.Value;
        var root = File.ReadAllLines("/proc/self/status").Single(line => line.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[1] == "0";

        var nices = Directory.EnumerateDirectories($"/proc/{gateway}/task").Select(task => Nice(Path.Combine(task, "stat"))).OfType<int>().ToList();

        // As root (CI, a container) every thread, the ones started since included; as a user, it keeps its own.
        Assert.All(nices, nice => Assert.Equal(root ? -10 : 0, nice));
    }

    /// <summary>A thread's nice value: field 19 of its stat, the 17th after the command's name; null when it ended meanwhile.</summary>
    private static int? Nice(string stat)
    {
        try
        {
            var text = File.ReadAllText(stat);
            return int.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[16], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    [Fact]
    public async Task PathsNoRouteServesAreRefusedInTheirFamilysShape()
    {
        using var openAi = await Gateway.GetAsync("/v1/assistants");
        using var ollama = await Gateway.GetAsync("/api/nothing");

        Assert.Equal(HttpStatusCode.NotFound, openAi.StatusCode);
        var error = (await openAi.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("unknown_route", error["code"]!.GetValue<string>());
        Assert.Contains("no route GET /v1/assistants here; this API has GET /v1/models", error["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, ollama.StatusCode);
        Assert.StartsWith("no route GET /api/nothing here; this API has GET /api/tags", (await ollama.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task WhileTheRegistryIsDownEachFamilySaysWhichServiceDidNotAnswer()
    {
        Process.GetProcessById(fixture.System.ProcessOf("registry")!.Value).Kill();
        try
        {
            using var rest = await Gateway.GetAsync("/models");
            using var openAi = await Gateway.GetAsync("/v1/models");
            using var ollama = await Gateway.GetAsync("/api/tags");

            Assert.Equal(HttpStatusCode.BadGateway, rest.StatusCode);
            Assert.StartsWith("the registry service did not answer GET /models", (await rest.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, openAi.StatusCode);
            var error = (await openAi.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
            Assert.StartsWith("a Lamina service this request needs did not answer", error["message"]!.GetValue<string>());
            Assert.Equal("service_unavailable", error["code"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ollama.StatusCode);
            Assert.StartsWith("a Lamina service this request needs did not answer", (await ollama.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
        }
        finally
        {
            await fixture.System.StartAgainAsync("registry", "resource-start");
        }
    }

    [Fact]
    public async Task OneTraceSpansTheGatewayTheRunnersStartAndTheBackendsAnswer()
    {
        var trace = Convert.ToHexStringLower(global::System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Chat("tiny", stream: false)) };
        request.Headers.Add("traceparent", $"00-{trace}-{Convert.ToHexStringLower(global::System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}-01");

        using var response = await Gateway.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var traced = fixture.RecordOf("llama-server", Path.Combine(fixture.Models, "tiny.gguf"))!.Events.Where(e => e.StartsWith($"trace 00-{trace}-", StringComparison.Ordinal)).ToList();
        // The Runner's readiness checks ran in the start the gateway asked for; the chat came from the gateway.
        Assert.Contains(traced, e => e.EndsWith(" /health", StringComparison.Ordinal));
        Assert.Contains(traced, e => e.EndsWith(" /v1/chat/completions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAliasReachesItsModelUnderTheNameItsBackendServes()
    {
        // vLLM answers 404 to any model but its --served-model-name.
        using var response = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat("qwen-alias", stream: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("qwen", (await response.Content.ReadFromJsonAsync<JsonObject>())!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task AClientThatLeavesMidStreamCancelsTheBackendsRequest()
    {
        await using var slow = await SlowModel.StartAsync(fixture);
        // Without draining, disposing the response closes the connection as a client that goes away does.
        using var leaving = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = Gateway.BaseAddress };
        leaving.DefaultRequestHeaders.Authorization = new("Bearer", GpuSystemFixture.UserKey);
        using (var response = await SendAsync(leaving, Chat(SlowModel.Name, stream: true)))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: {", await reader.ReadLineAsync());
        }

        Assert.True(await Eventually.TrueAsync(
            () => Task.FromResult(FakeBackends.ReadRecords(fixture.Records).Single(r => r.Pid == slow.Pid).Events.Contains("cancelled")), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task ARequestCountsAsUseFromItsStartToItsEndWithinAFractionOfASecond()
    {
        await using var slow = await SlowModel.StartAsync(fixture);
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.System.App.GetConnectionStringAsync("redis"))!);
        var db = redis.GetDatabase();
        using var leaving = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = Gateway.BaseAddress };
        leaving.DefaultRequestHeaders.Authorization = new("Bearer", GpuSystemFixture.UserKey);

        var clock = Stopwatch.StartNew();
        // The backend's first token takes a second: the request counts before it.
        var sending = SendAsync(leaving, Chat(SlowModel.Name, stream: true));
        // The gateway writes its use in batches, but at once for a model that was quiet: a Runner deciding to stop it learns first.
        Assert.True(await Eventually.TrueAsync(async () => await InFlightAsync(db, SlowModel.Name) == 1, TimeSpan.FromSeconds(2)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(0.8), $"in flight after {clock.Elapsed}");
        using (var response = await sending)
        {
            Assert.Equal(1, await InFlightAsync(db, SlowModel.Name));
        }

        var left = DateTimeOffset.UtcNow;
        clock.Restart();
        Assert.True(await Eventually.TrueAsync(async () => await InFlightAsync(db, SlowModel.Name) == 0, TimeSpan.FromSeconds(2)));
        // Noticing the client left, then the next 100 ms write: well under a second alone, 1.004 s once in a full run on 2 cores.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"ended after {clock.Elapsed}");
        var used = DateTimeOffset.FromUnixTimeMilliseconds((long)await db.HashGetAsync("lamina:instances:used", SlowModel.Name));
        Assert.InRange(used, left.AddSeconds(-1), DateTimeOffset.UtcNow);
    }

    /// <summary>The model's requests in flight, summed over the gateways as a Runner sums them.</summary>
    private static async Task<long> InFlightAsync(IDatabase db, string model)
    {
        long sum = 0;
        foreach (var gateway in await db.SetMembersAsync("lamina:gateways"))
        {
            sum += (long?)await db.HashGetAsync($"lamina:gateway:{gateway}:inflight", model) ?? 0;
        }

        return sum;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, object chat)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(chat) };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
        return response;
    }

    [Fact]
    public async Task AStreamPassesThroughAsTheBackendSentIt()
    {
        await ReadStreamAsync(Chat("tiny", stream: true));
        var endpoint = (await Gateway.GetFromJsonAsync<JsonObject>("/instances/tiny"))!["endpoint"]!.GetValue<string>();
        using var direct = new HttpClient { BaseAddress = new Uri(endpoint) };

        var through = await ReadStreamAsync(Chat("tiny", stream: true));
        using var own = await direct.PostAsJsonAsync("/v1/chat/completions", Chat("tiny", stream: true));
        var backend = await own.Content.ReadAsStringAsync();

        // Each answer has its own id and time; everything else is the same bytes.
        Assert.Equal(Normalized(backend), Normalized(through));
    }

    [Fact]
    public async Task ABodyOverTheLimitIsRefusedBeforeAnyBackendSeesIt()
    {
        var big = new StringContent($"{{\"model\":\"tiny\",\"messages\":[{{\"role\":\"user\",\"content\":\"{new string('x', 3 << 19)}\"}}]}}", Encoding.UTF8, "application/json");

        // The same body again without a length (chunked), which only reading it can measure.
        var chunked = new Unsized(await big.ReadAsByteArrayAsync());
        chunked.Headers.ContentType = new("application/json");

        using var response = await Gateway.PostAsync("/v1/chat/completions", big);
        using var streamed = await Gateway.PostAsync("/v1/chat/completions", chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Null(streamed.RequestMessage!.Content!.Headers.ContentLength);
        var error = (await streamed.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("request_too_large", error["code"]!.GetValue<string>());
        Assert.Contains("Lamina:Gateway:MaxBodyBytes", error["message"]!.GetValue<string>());

        // lamina-llm-serve's chat route reads its body itself: the same limit, chunked too.
        var chunkedByName = new Unsized(await big.ReadAsByteArrayAsync());
        chunkedByName.Headers.ContentType = new("application/json");
        using var byName = await Gateway.PostAsync("/chat/tiny", chunkedByName);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, byName.StatusCode);
        Assert.Equal("request_too_large", (await byName.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>());
    }

    /// <summary>A body HttpClient cannot size, so it goes chunked.</summary>
    private sealed class Unsized(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, global::System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static string Normalized(string stream) => Varying().Replace(stream, "$1?");

    [GeneratedRegex("(\"id\":|\"created\":|\"system_fingerprint\":)(\"[^\"]*\"|[0-9]+)")]
    private static partial Regex Varying();

    private async Task<string> ReadStreamAsync(object chat)
    {
        using var response = await Gateway.PostAsJsonAsync("/v1/chat/completions", chat);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    /// <summary>Records a ready instance of the model at <paramref name="endpoint"/>, as the Runner on <paramref name="node"/> would.</summary>
    private static Task RecordReadyAsync(IDatabase database, string model, string endpoint, string node, TimeSpan expiry) =>
        database.StringSetAsync(RedisKeys.Instance(model), JsonSerializer.Serialize(
            new InstanceInfo(model, "llama.cpp", InstanceStates.Ready, endpoint, 1, DateTimeOffset.UtcNow) { Node = node }, LaminaJson.Options), expiry);

    private static object Chat(string model, bool stream) => new { model, stream, max_tokens = 16, messages = new[] { new { role = "user", content = "hi" } } };

    public async Task InitializeAsync()
    {
        foreach (var model in (await Gateway.GetFromJsonAsync<JsonObject>("/instances"))!["instances"]!.AsArray().Select(i => i!["model"]!.GetValue<string>()))
        {
            (await Gateway.PostAsync($"/models/{model}/stop", null)).EnsureSuccessStatusCode();
        }
    }

    public Task DisposeAsync() => InitializeAsync();
}
