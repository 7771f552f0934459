using System.Collections.Concurrent;

namespace Lamina.Runner.Instances;

/// <summary>
/// Work the Runner starts without awaiting it (a crash watch, a record written on the side): each is
/// kept until it ends, its failure is logged rather than lost, and shutdown waits for what is left.
/// </summary>
public sealed partial class TrackedTasks(ILogger<TrackedTasks> logger)
{
    private readonly ConcurrentDictionary<Task, string> _running = new();

    public int Count => _running.Count;

    /// <summary>Runs <paramref name="work"/> on its own; <paramref name="what"/> names it in the log if it fails.</summary>
    public void Run(string what, Func<Task> work) => Track(what, Task.Run(work));

    /// <summary>Keeps a task already running until it ends.</summary>
    public void Track(string what, Task task)
    {
        _running[task] = what;
        _ = task.ContinueWith(Ended, TaskScheduler.Default);
    }

    /// <summary>Waits for the tasks still running, at most until <paramref name="cancellationToken"/> says stop.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogAbandoned(logger, _running.Count);
        }
        catch (Exception)
        {
            // Each failure was logged as its task ended.
        }
    }

    private void Ended(Task task)
    {
        _running.TryRemove(task, out var what);
        if (task.Exception?.GetBaseException() is { } failure)
        {
            LogFailed(logger, failure, what ?? "background work");
        }
    }

    [LoggerMessage(LogLevel.Error, "{What} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string what);

    [LoggerMessage(LogLevel.Warning, "Shutdown ended with {Count} background tasks still running")]
    private static partial void LogAbandoned(ILogger logger, int count);
}
