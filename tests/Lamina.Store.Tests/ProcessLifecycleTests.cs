using StackExchange.Redis;

namespace Lamina.Store.Tests;

public sealed class ProcessLifecycleTests
{
    [Fact]
    public async Task SigtermStopsTheStoreWithExitCodeZero()
    {
        var (store, port) = await StoreProcess.StartReadyAsync();
        await using (store)
        {
            Assert.Contains($"ready on 127.0.0.1:{port}", store.Output);

            Assert.Equal(0, await store.TerminateAsync());
            Assert.Contains("Lamina.Store stopped", store.Output);
        }
    }

    [Fact]
    public async Task MissingPortIsAClearErrorAndANonZeroExit()
    {
        await using var store = StoreProcess.Start();

        Assert.NotEqual(0, await store.WaitForExitAsync());
        Assert.Contains("Lamina:Store:Port is required", store.Output);
        Assert.Contains("--port", store.Output);
        Assert.DoesNotContain("   at ", store.Output);
    }

    [Fact]
    public async Task DataInDirSurvivesARestart()
    {
        var dir = Directory.CreateTempSubdirectory("lamina-store-test-");
        try
        {
            var (first, port) = await StoreProcess.StartReadyAsync("--dir", dir.FullName);
            await using (first)
            {
                await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");
                var db = redis.GetDatabase();
                await db.StringSetAsync("kept", "yes");
                await db.HashSetAsync("model:tiny", "state", "ready");
                await db.ListRightPushAsync("queue", ["a", "b"]);
                Assert.Equal(0, await first.TerminateAsync());
            }

            var (second, port2) = await StoreProcess.StartReadyAsync("--dir", dir.FullName);
            await using (second)
            {
                await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port2}");
                var db = redis.GetDatabase();
                Assert.Equal("yes", await db.StringGetAsync("kept"));
                Assert.Equal("ready", await db.HashGetAsync("model:tiny", "state"));
                Assert.Equal(["a", "b"], (await db.ListRangeAsync("queue")).Select(v => (string)v!));
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
