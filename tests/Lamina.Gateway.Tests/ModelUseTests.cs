using Lamina.Gateway.Routing;
using Microsoft.Extensions.Time.Testing;

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
}
