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
