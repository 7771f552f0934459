using Lamina.Gateway.Routing;
using Lamina.Shared.Contracts;
using Lamina.TestSupport.Store;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Lamina.Gateway.Tests;

public sealed class ModelUseTests
{
    [Fact]
    public async Task TheWriterWaitsItsIntervalOnTheInjectedClockOrUntilAQuietModelIsUsed()
    {
        var time = new FakeTimeProvider();
        // Waiting touches no store: the writes themselves are the AppHost tests' to check against a real one.
        var use = new ModelUse(redis: null!, time);

        var woken = use.WaitAsync(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), CancellationToken.None);
        use.Began("tiny");
        Assert.True(await woken);

        // Its count waits to be written (nothing writes in this test): the short interval.
        var interval = use.WaitAsync(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), CancellationToken.None);
        // Three intervals of real time pass, none of the injected clock's.
        await Task.Delay(300);
        Assert.False(interval.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(await interval);
    }

    [Fact]
    public async Task WithNothingToWriteTheWriterSleepsUntilTheRenewalUnlessAnythingChanges()
    {
        var time = new FakeTimeProvider();
        var use = new ModelUse(redis: null!, time);

        var idle = use.WaitAsync(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(50);
        Assert.False(idle.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await idle);

        // Any change wakes an idle writer, not only a quiet model's first request: an end stands for one here, since
        // a request that began would wake it as a quiet model's anyway (nothing in this test writes to a store).
        var woken = use.WaitAsync(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), CancellationToken.None);
        use.Ended("tiny");
        Assert.True(await woken);
    }

    [Fact]
    public async Task WithARequestInFlightTheWriterKeepsToItsBatchesEvenWithNothingLeftToWrite()
    {
        var (store, port) = await StoreProcess.StartReadyAsync();
        await using var _ = store;
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");
        var time = new FakeTimeProvider();
        var use = new ModelUse(redis, time);
        use.Began("tiny");
        use.Began("tiny");
        // As the writer's loop: woken by a quiet model's first request, it writes.
        Assert.True(await use.WaitAsync(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), CancellationToken.None));
        await use.WriteAsync();
        Assert.Equal(2, (int)await redis.GetDatabase().HashGetAsync(GatewayPresence.Key, "tiny"));

        // All is written, but requests run: their ends are written together at the next tick, not each as it comes,
        // which under a steady load would be a write per request.
        var waiting = use.WaitAsync(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), CancellationToken.None);
        use.Ended("tiny");
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(await waiting);

        await use.WriteAsync();
        Assert.Equal(1, (int)await redis.GetDatabase().HashGetAsync(GatewayPresence.Key, "tiny"));
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds() - 100, (long)await redis.GetDatabase().HashGetAsync(RedisKeys.InstanceUse, "tiny"));
    }
}
