using Microsoft.Extensions.Time.Testing;

namespace Lamina.Runner.Tests;

/// <summary>
/// A fake clock that says when a timer is set on it, so a test moves time on only once the backoff's
/// wait has begun, not a step too early.
/// </summary>
public sealed class WatchedClock() : FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero))
{
    private readonly SemaphoreSlim _timers = new(0);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Release();
        return timer;
    }

    /// <summary>Waits until the next timer is set (one set already counts).</summary>
    public async Task TimerSetAsync()
    {
        if (!await _timers.WaitAsync(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("no timer was set on the clock within 30 s");
        }
    }
}
