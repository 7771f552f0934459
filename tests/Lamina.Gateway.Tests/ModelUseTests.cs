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

        var interval = use.WaitAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        // Three intervals of real time pass, none of the injected clock's.
        await Task.Delay(300);
        Assert.False(interval.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(await interval);

        var woken = use.WaitAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        use.Began("tiny");
        Assert.True(await woken);
    }
}
