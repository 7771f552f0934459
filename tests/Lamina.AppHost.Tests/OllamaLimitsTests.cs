using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using StackExchange.Redis;

namespace Lamina.AppHost.Tests;

/// <summary>Ollama's routes under the gateway's limits: the start timeout, the per-model queue, the body size; and unloading by any name.</summary>
[Collection(GpuSystemCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class OllamaLimitsTests(GpuSystemFixture fixture) : IAsyncLifetime
{
    /// <summary>Lamina:Gateway:StartTimeout in <see cref="GpuSystemFixture"/>.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private HttpClient Gateway => fixture.System.Gateway;

    [Fact]
    public async Task ChatAndEmbedWaitForAStartNoLongerThanStartTimeoutThenHearTheModelIsStillLoading()
    {
        await HeldElsewhereAsync(["cpu-a", "cpu-b"], async () =>
        {
            using var patience = new CancellationTokenSource(StartTimeout * 3);
            var clock = Stopwatch.StartNew();
            var chat = Gateway.PostAsJsonAsync("/api/chat", new { model = "cpu-a", stream = false, messages = new[] { new { role = "user", content = "hi" } } }, patience.Token);
            var embed = Gateway.PostAsJsonAsync("/api/embed", new { model = "cpu-b", input = "hi" }, patience.Token);

            foreach (var response in await Task.WhenAll(chat, embed))
            {
                using (response)
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    var error = await ErrorOf(response);
                    Assert.Contains("still loading", error);
                    Assert.Contains("Lamina:Gateway:StartTimeout", error);
                }
            }

            Assert.InRange(clock.Elapsed, StartTimeout - TimeSpan.FromSeconds(1), StartTimeout * 2);
        });
    }

    [Fact]
    public async Task AChatTakesItsPlaceInTheModelsQueueBeforeWaitingForItsStart()
    {
        await HeldElsewhereAsync(["cpu-c"], async () =>
        {
            // One takes the model's place and waits for the start, one waits behind it: the third has no place, even before the model runs.
            var first = Gateway.PostAsJsonAsync("/api/chat", Chat("cpu-c"));
            var second = Gateway.PostAsJsonAsync("/api/chat", Chat("cpu-c"));
            await Task.Delay(1000);
            var clock = Stopwatch.StartNew();
            using var patience = new CancellationTokenSource(StartTimeout * 2);

            using var third = await Gateway.PostAsJsonAsync("/api/chat", Chat("cpu-c"), patience.Token);

            Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"refused after {clock.Elapsed}");
            Assert.True(third.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            Assert.Contains("Lamina:Gateway:MaxQueuePerModel", await ErrorOf(third));
            (await first).Dispose();
            (await second).Dispose();
        });
    }

    [Fact]
    public async Task EmbedsBeyondTheModelsQueueGetTooManyRequestsWithRetryAfterInOllamasShape()
    {
        await using var slow = await SlowModel.StartAsync(fixture);
        // One answers (a token a second), one waits: the embeds have no place.
        using var first = await Gateway.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(Chat(SlowModel.Name, stream: true)) }, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await first.Content.ReadAsStreamAsync());
        Assert.Contains("\"done\":false", await reader.ReadLineAsync());
        var second = Gateway.PostAsJsonAsync("/api/chat", Chat(SlowModel.Name));
        await Task.Delay(500);

        using var embed = await Gateway.PostAsJsonAsync("/api/embed", new { model = SlowModel.Name, input = "hi" });
        using var embeddings = await Gateway.PostAsJsonAsync("/api/embeddings", new { model = SlowModel.Name, prompt = "hi" });

        foreach (var refused in (HttpResponseMessage[])[embed, embeddings])
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            Assert.Contains("Lamina:Gateway:MaxQueuePerModel", await ErrorOf(refused));
        }

        Assert.Contains("\"done\":true", await reader.ReadToEndAsync());
        using var answered = await second;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Fact]
    public async Task ABodyOverMaxBodyBytesIsRefusedWithOrWithoutAContentLength()
    {
        // Lamina:Gateway:MaxBodyBytes is 1 MiB here; Kestrel itself takes twice that.
        var json = $"{{\"model\":\"no-such-model\",\"messages\":[{{\"role\":\"user\",\"content\":\"{new string('x', 3 << 19)}\"}}]}}";
        using var sized = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        chunked.Headers.TransferEncodingChunked = true;

        foreach (var request in (HttpRequestMessage[])[sized, chunked])
        {
            using var response = await Gateway.SendAsync(request);

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("Lamina:Gateway:MaxBodyBytes", await ErrorOf(response));
        }
    }

    [Fact]
    public async Task KeepAliveZeroUnloadsTheModelAnAliasNamesAndAnUnknownOneIsNotFound()
    {
        using var generated = await Gateway.PostAsJsonAsync("/api/generate", new { model = "qwen-alias", prompt = "hi", stream = false });
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        Assert.Contains("qwen", await LoadedAsync());

        using var unloaded = await Gateway.PostAsJsonAsync("/api/generate", new { model = "qwen-alias", keep_alive = 0 });
        using var unknown = await Gateway.PostAsJsonAsync("/api/chat", new { model = "no-such-model", keep_alive = 0 });

        Assert.Equal(HttpStatusCode.OK, unloaded.StatusCode);
        Assert.Equal("unload", (await unloaded.Content.ReadFromJsonAsync<JsonObject>())!["done_reason"]!.GetValue<string>());
        Assert.DoesNotContain("qwen", await LoadedAsync());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("model 'no-such-model' not found", await ErrorOf(unknown));
    }

    /// <summary>Runs the test while another Runner holds the models' start locks, as one that is loading them does.</summary>
    private async Task HeldElsewhereAsync(string[] models, Func<Task> test)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.System.App.GetConnectionStringAsync("redis"))!);
        var database = redis.GetDatabase();
        foreach (var model in models)
        {
            await database.StringSetAsync($"lamina:instance:{model}:starting", "elsewhere/1", TimeSpan.FromMinutes(1));
        }

        try
        {
            await test();
        }
        finally
        {
            await database.KeyDeleteAsync([.. models.Select(model => (RedisKey)$"lamina:instance:{model}:starting")]);
            // The Runner goes on with the starts it waited for: joining them lets them end before the next test counts what runs.
            foreach (var model in models)
            {
                (await Gateway.PostAsync($"/models/{model}/start", null)).Dispose();
            }
        }
    }

    private static object Chat(string model, bool stream = false) => new { model, stream, messages = new[] { new { role = "user", content = "hi" } } };

    private static async Task<string> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>();

    private async Task<List<string>> LoadedAsync() =>
        [.. (await Gateway.GetFromJsonAsync<JsonObject>("/instances"))!["instances"]!.AsArray().Select(i => i!["model"]!.GetValue<string>())];

    public async Task InitializeAsync()
    {
        foreach (var model in await LoadedAsync())
        {
            (await Gateway.PostAsync($"/models/{model}/stop", null)).EnsureSuccessStatusCode();
        }
    }

    public Task DisposeAsync() => InitializeAsync();
}
