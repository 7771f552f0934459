using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using Lamina.Shared.Hosting;
using Lamina.TestSupport.Aspire;
using StackExchange.Redis;

namespace Lamina.AppHost.Tests;

/// <summary>
/// A fake llama-server that makes a token a second, recorded in Redis as a ready instance of the
/// model <c>slow</c> (as another Runner would record it), so tests can hold answers open for seconds.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SlowModel : IAsyncDisposable
{
    public const string Name = "slow";

    private readonly Process _process;
    private readonly ConnectionMultiplexer _redis;

    private SlowModel(Process process, ConnectionMultiplexer redis) => (_process, _redis) = (process, redis);

    public int Pid => _process.Id;

    public static async Task<SlowModel> StartAsync(GpuSystemFixture fixture)
    {
        var port = LocalMachine.FreePort();
        var start = new ProcessStartInfo(Path.Combine(fixture.Fakes, "llama-server"),
            ["-m", "slow.gguf", "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "-a", Name])
        {
            Environment = { ["LAMINA_FAKE_RECORD_DIR"] = fixture.Records, ["LAMINA_FAKE_LOAD_MS"] = "0", ["LAMINA_FAKE_TOKEN_MS"] = "1000" },
        };
        var process = Process.Start(start)!;
        await WaitHealthyAsync(port);

        var redis = await ConnectionMultiplexer.ConnectAsync((await fixture.System.App.GetConnectionStringAsync("redis"))!);
        var record = new JsonObject
        {
            ["model"] = Name, ["backend"] = "llama.cpp", ["state"] = "ready", ["endpoint"] = $"http://127.0.0.1:{port}",
            ["pid"] = process.Id, ["started_at"] = DateTimeOffset.UtcNow, ["node"] = "elsewhere/1",
        };
        await redis.GetDatabase().StringSetAsync(RedisKeys(), record.ToJsonString(), TimeSpan.FromMinutes(1));
        return new SlowModel(process, redis);
    }

    /// <summary>Waits until the server on the port answers <c>/health</c> with 200, as a Runner does before it records an instance.</summary>
    public static async Task WaitHealthyAsync(int port)
    {
        using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await probe.GetAsync("/health")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20)), $"nothing healthy on port {port}");
    }

    private static string RedisKeys() => $"lamina:instance:{Name}";

    public async ValueTask DisposeAsync()
    {
        await _redis.GetDatabase().KeyDeleteAsync(RedisKeys());
        // As a Runner says its instance changed, so gateways forget it.
        await _redis.GetSubscriber().PublishAsync(RedisChannel.Literal("lamina:events:instances"), Name);
        await _redis.DisposeAsync();
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
