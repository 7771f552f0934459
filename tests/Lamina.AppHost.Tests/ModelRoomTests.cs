using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using Lamina.TestSupport.Aspire;
using StackExchange.Redis;

namespace Lamina.AppHost.Tests;

/// <summary>The shared system runs at most two models (Lamina:Runner:MaxLoadedModels=2).</summary>
[Collection(SystemCollection.Name)]
public sealed class ModelRoomTests(SystemFixture fixture) : IAsyncLifetime
{
    private string _manifest = "";

    private HttpClient Gateway => fixture.System.Gateway;

    [Fact]
    public async Task ThirdModelStopsTheLeastRecentlyUsedIdleOne()
    {
        await ChatAsync("room-a");
        await ChatAsync("room-b");
        await ChatAsync("room-a");

        await ChatAsync("room-c");

        Assert.Equal(["room-a", "room-c"], await LoadedAsync());
        var used = (await Gateway.GetFromJsonAsync<JsonObject>("/instances/room-a"))!;
        Assert.InRange(DateTimeOffset.Parse(used["last_used"]!.GetValue<string>(), CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(0, used["in_flight"]!.GetValue<long>());
    }

    [Fact]
    public async Task WhenEveryLoadedModelIsBusyTheStartIsRefusedNamingThem()
    {
        await ChatAsync("room-a");
        await ChatAsync("room-b");
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.System.App.GetConnectionStringAsync("redis"))!);
        // As another gateway records requests it is answering.
        await RecordInFlightAsync(redis, "busy-gateway", TimeSpan.FromMinutes(1), "room-a", "room-b");
        try
        {
            using var refused = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat("room-c"));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            var message = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>();
            Assert.Contains("Lamina:Runner:MaxLoadedModels is 2 and 'room-", message);
            Assert.Contains("busy answering or loading", message);
            Assert.Equal(["room-a", "room-b"], await LoadedAsync());
        }
        finally
        {
            await redis.GetDatabase().KeyDeleteAsync("lamina:gateway:busy-gateway:inflight");
        }
    }

    [Fact]
    public async Task RequestsInFlightOfAGatewayThatDiedStopCountingWhenItsRecordExpires()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.System.App.GetConnectionStringAsync("redis"))!);
        // A gateway killed mid-answer never says the request ended; its count lives until its record expires.
        await RecordInFlightAsync(redis, "dead-gateway", TimeSpan.FromSeconds(4), "room-a");
        var clock = global::System.Diagnostics.Stopwatch.StartNew();
        using var started = await Gateway.PostAsJsonAsync("/models/room-a/start", new { keep_alive = "1s" });
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);

        // Idle for its keep_alive long before, it stops only once the dead gateway's count has expired.
        Assert.True(await Eventually.TrueAsync(async () => !(await LoadedAsync()).Contains("room-a"), TimeSpan.FromSeconds(12)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(3.8), TimeSpan.FromSeconds(12));
        Assert.False(await redis.GetDatabase().SetContainsAsync("lamina:gateways", "dead-gateway"));
    }

    [Fact]
    public async Task AChatRequestsKeepAliveSetsHowLongItsModelStaysLoaded()
    {
        using var invalid = await Gateway.PostAsJsonAsync("/v1/chat/completions", new { model = "room-b", keep_alive = "soon", messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("keep_alive", (await invalid.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["param"]!.GetValue<string>());

        using var kept = await Gateway.PostAsJsonAsync("/v1/chat/completions", new { model = "room-b", keep_alive = -1, max_tokens = 2, messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal("-1", (await Gateway.GetFromJsonAsync<JsonObject>("/instances/room-b"))!["keep_alive"]!.GetValue<string>());

        using var brief = await Gateway.PostAsJsonAsync("/v1/chat/completions", new { model = "room-b", keep_alive = "1s", max_tokens = 2, messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.OK, brief.StatusCode);
        Assert.True(await Eventually.TrueAsync(async () => !(await LoadedAsync()).Contains("room-b"), TimeSpan.FromSeconds(6)));
    }

    private static async Task RecordInFlightAsync(ConnectionMultiplexer redis, string gateway, TimeSpan expiry, params string[] models)
    {
        var key = $"lamina:gateway:{gateway}:inflight";
        await redis.GetDatabase().HashSetAsync(key, [.. models.Select(model => new HashEntry(model, 1))]);
        await redis.GetDatabase().KeyExpireAsync(key, expiry);
        await redis.GetDatabase().SetAddAsync("lamina:gateways", gateway);
    }

    [Fact]
    public async Task FiftyRequestsAtOnceForAStoppedModelStartOneBackendAndAllGetAnswers()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.System.App.GetConnectionStringAsync("redis"))!);
        var pids = new global::System.Collections.Concurrent.ConcurrentDictionary<int, byte>();
        var events = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal("lamina:events:instances"));
        events.OnMessage(async message =>
        {
            if (message.Message == "room-a" && await redis.GetDatabase().StringGetAsync("lamina:instance:room-a") is { HasValue: true } recorded)
            {
                pids.TryAdd(JsonNode.Parse(recorded.ToString())!["pid"]!.GetValue<int>(), 0);
            }
        });

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var response = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat("room-a"));
            return response.StatusCode;
        }));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        await events.UnsubscribeAsync();
        Assert.Single(pids);
        Assert.Equal(pids.Keys.Single(), (await Gateway.GetFromJsonAsync<JsonObject>("/instances/room-a"))!["pid"]!.GetValue<int>());
    }

    [Fact]
    public async Task StartCanSetHowLongTheModelStaysIdle()
    {
        using var invalid = await Gateway.PostAsJsonAsync("/models/room-b/start", new { keep_alive = "soon" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("keep_alive 'soon' is not a duration", await invalid.Content.ReadAsStringAsync());

        using var started = await Gateway.PostAsJsonAsync("/models/room-b/start", new { keep_alive = "1s" });
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);

        Assert.True(await Eventually.TrueAsync(async () => !(await LoadedAsync()).Contains("room-b"), TimeSpan.FromSeconds(6)));
    }

    private async Task ChatAsync(string model)
    {
        using var response = await Gateway.PostAsJsonAsync("/v1/chat/completions", Chat(model));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static object Chat(string model) => new { model, max_tokens = 2, messages = new[] { new { role = "user", content = "hi" } } };

    private async Task<List<string>> LoadedAsync() =>
        [.. (await Gateway.GetFromJsonAsync<JsonObject>("/instances"))!["instances"]!.AsArray().Select(i => i!["model"]!.GetValue<string>()).Order()];

    public async Task InitializeAsync()
    {
        _manifest = await File.ReadAllTextAsync(fixture.System.ManifestPath);
        await StopAllAsync();
        foreach (var name in (string[])["room-a", "room-b", "room-c"])
        {
            (await Gateway.PutAsJsonAsync($"/models/{name}", new { path = "tiny.gguf", backend = "embedded" })).EnsureSuccessStatusCode();
        }
    }

    public async Task DisposeAsync()
    {
        await StopAllAsync();
        await fixture.RestoreManifestAsync(_manifest);
    }

    private async Task StopAllAsync()
    {
        foreach (var model in await LoadedAsync())
        {
            (await Gateway.PostAsync($"/models/{model}/stop", null)).EnsureSuccessStatusCode();
        }
    }
}
