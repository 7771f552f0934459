using Lamina.Runner.Instances;

namespace Lamina.Runner.Tests;

public sealed class CrashRestartsTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    private readonly WatchedClock _time = new();

    [Fact]
    public void RestartsBackOffAndStopAfterTheAllowedNumber()
    {
        var restarts = new CrashRestarts(3, TimeSpan.FromSeconds(1), _time);

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), null],
            Enumerable.Range(0, 4).Select(_ => restarts.Crashed("m")).ToList());
        Assert.Equal(TimeSpan.FromSeconds(1), restarts.Crashed("other"));
    }

    [Fact]
    public void CrashesOlderThanTenMinutesNoLongerCount()
    {
        var restarts = new CrashRestarts(1, TimeSpan.FromSeconds(1), _time);
        Assert.NotNull(restarts.Crashed("m"));
        Assert.Null(restarts.Crashed("m"));

        _time.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal(TimeSpan.FromSeconds(1), restarts.Crashed("m"));
    }

    [Fact]
    public async Task EachRestartWaitsItsBackoffOnTheClockAndTheCrashPastTheLimitEndsIt()
    {
        var restarts = new CrashRestarts(3, TimeSpan.FromSeconds(1), _time);
        var lives = new List<bool>();

        var run = restarts.KeepUpAsync((again, _) =>
        {
            lock (lives)
            {
                lives.Add(again);
            }

            return ValueTask.FromResult(new BackendExit(3, restarts.Crashed("m")));
        }, CancellationToken.None).AsTask();

        foreach (var (backoff, livesSoFar) in new[] { (1, 1), (2, 2), (4, 3) })
        {
            await _time.TimerSetAsync();
            _time.Advance(TimeSpan.FromSeconds(backoff) - Tick);
            Assert.Equal(livesSoFar, Count(lives));
            _time.Advance(Tick);
        }

        Assert.Equal(new BackendExit(3, null), await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal([false, true, true, true], lives);
    }

    [Fact]
    public async Task ALifeThatEndsWithoutACrashIsNotRestarted()
    {
        var restarts = new CrashRestarts(3, TimeSpan.FromSeconds(1), _time);
        var lives = 0;

        var end = await restarts.KeepUpAsync((_, _) =>
        {
            lives++;
            return ValueTask.FromResult(BackendExit.Ended);
        }, CancellationToken.None);

        Assert.Equal((1, BackendExit.Ended), (lives, end));
    }

    [Fact]
    public async Task CallingItOffDuringTheBackoffEndsItWithoutAnotherLife()
    {
        var restarts = new CrashRestarts(3, TimeSpan.FromSeconds(1), _time);
        using var callOff = new CancellationTokenSource();
        var lives = 0;

        var run = restarts.KeepUpAsync((_, _) =>
        {
            Interlocked.Increment(ref lives);
            return ValueTask.FromResult(new BackendExit(3, TimeSpan.FromSeconds(1)));
        }, callOff.Token).AsTask();
        await _time.TimerSetAsync();
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await callOff.CancelAsync();
        _time.Advance(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, lives);
    }

    private static int Count(List<bool> lives)
    {
        lock (lives)
        {
            return lives.Count;
        }
    }
}
