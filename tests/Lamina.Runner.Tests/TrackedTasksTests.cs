using Lamina.Runner.Instances;
using Microsoft.Extensions.Logging;

namespace Lamina.Runner.Tests;

public sealed class TrackedTasksTests
{
    private readonly Captured _log = new();

    [Fact]
    public async Task AFailureIsLoggedWithWhatFailedAndTheTaskIsForgotten()
    {
        var tasks = new TrackedTasks(_log);

        tasks.Run("Recording the keep_alive of tiny", () => Task.FromException(new InvalidOperationException("the store said no")));
        await tasks.DrainAsync(CancellationToken.None);
        await WaitForAsync(() => _log.Entries.Count > 0 && tasks.Count == 0);

        var (level, message, error) = Assert.Single(_log.Entries);
        Assert.Equal((LogLevel.Error, "Recording the keep_alive of tiny failed", "the store said no"), (level, message, error?.Message));
    }

    [Fact]
    public async Task ShutdownWaitsForTheWorkStillRunning()
    {
        var tasks = new TrackedTasks(_log);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tasks.Track("Watching tiny", release.Task);

        var drain = tasks.DrainAsync(CancellationToken.None);
        Assert.False(drain.IsCompleted);
        release.SetResult();
        await drain.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task ShutdownThatRunsOutOfTimeSaysHowMuchWasLeft()
    {
        var tasks = new TrackedTasks(_log);
        tasks.Track("Watching tiny", new TaskCompletionSource().Task);
        using var late = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await tasks.DrainAsync(late.Token);

        Assert.Equal((LogLevel.Warning, "Shutdown ended with 1 background tasks still running"), (_log.Entries[0].Level, _log.Entries[0].Message));
    }

    private static async Task WaitForAsync(Func<bool> done)
    {
        for (var i = 0; i < 200 && !done(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(done());
    }

    private sealed class Captured : ILogger<TrackedTasks>
    {
        private readonly List<(LogLevel, string, Exception?)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Message, Exception? Error)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries)
            {
                _entries.Add((logLevel, formatter(state, exception), exception));
            }
        }
    }
}
