using Lamina.Runner.Instances;
using Microsoft.Extensions.Time.Testing;

namespace Lamina.Runner.Tests;

public sealed class CrashRestartsTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

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
        var lives = new List<(bool Again, DateTimeOffset At)>();

        var run = restarts.KeepUpAsync((again, _) =>
        {
            lock (lives)
            {
                lives.Add((again, _time.GetUtcNow()));
            }

            return ValueTask.FromResult(new BackendExit(3, restarts.Crashed("m")));
        }, CancellationToken.None).AsTask();
        await AdvanceUntilAsync(() => run.IsCompleted);

        Assert.Equal(new BackendExit(3, null), await run);
        Assert.Equal([false, true, true, true], lives.Select(life => life.Again));
        var gaps = lives.Zip(lives.Skip(1), (before, after) => after.At - before.At).ToList();
        Assert.All(gaps.Zip([1, 2, 4]), pair =>
            Assert.InRange(pair.First, TimeSpan.FromSeconds(pair.Second), TimeSpan.FromSeconds(pair.Second) + 5 * Step));
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
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await callOff.CancelAsync();
        _time.Advance(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, lives);
    }

    /// <summary>
    /// Moves the fake clock on in small steps, letting the retry's continuations run in between, until
    /// <paramref name="done"/>; a step may pass before the next backoff's timer exists, hence the slack above.
    /// </summary>
    private async Task AdvanceUntilAsync(Func<bool> done)
    {
        for (var i = 0; i < 2000 && !done(); i++)
        {
            _time.Advance(Step);
            await Task.Delay(2);
        }

        Assert.True(done());
    }
}
