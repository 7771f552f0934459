using System.Collections.Concurrent;
using Lamina.Shared.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Lamina.Runner.Instances;

/// <summary>
/// One start of a model at a time: callers on this Runner share one start (single-flight), and across
/// Runners the start lock in the store lets one start it while the others wait and use its instance.
/// </summary>
public sealed partial class StartCoordinator(
    InstanceStore store, StartLocks locks, TimeProvider time, IOptions<RunnerOptions> options, ILogger<StartCoordinator> logger)
{
    /// <summary>How often a start waiting on another Runner's start of the same model looks again.</summary>
    private static readonly TimeSpan OtherStartPoll = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, Lazy<Task<StartOutcome>>> _starting = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>
    /// The outcome of the model's start: the one under way, else one that runs <paramref name="launch"/> once
    /// this Runner holds the lock (or the store is away), else another Runner's ready instance.
    /// <paramref name="cancellationToken"/> ends only this caller's wait; the start goes on for the others.
    /// </summary>
    public async Task<StartOutcome> StartAsync(string model, Func<CancellationToken, Task<StartOutcome>> launch, CancellationToken cancellationToken)
    {
        var start = _starting.GetOrAdd(model, name => new Lazy<Task<StartOutcome>>(() => StartOnceAsync(name, launch)));
        return await start.Value.WaitAsync(cancellationToken);
    }

    /// <summary>Calls off starts under way: the Runner is stopping.</summary>
    public Task CancelAsync() => _stopping.CancelAsync();

    private async Task<StartOutcome> StartOnceAsync(string model, Func<CancellationToken, Task<StartOutcome>> launch)
    {
        try
        {
            if (await ElsewhereAsync(model, _stopping.Token) is { } elsewhere)
            {
                return elsewhere;
            }

            return await launch(_stopping.Token);
        }
        finally
        {
            _starting.TryRemove(model, out _);
            await ReleaseLockAsync(model);
        }
    }

    /// <summary>
    /// Another Runner's instance when one serves the model or is starting it (waited for); null when
    /// this Runner holds the start lock and starts it, or cannot reach the store and decides alone.
    /// </summary>
    private async Task<StartOutcome?> ElsewhereAsync(string model, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.Value.LoadTimeout;
        try
        {
            while (true)
            {
                // A model that failed on another Runner may start here: its lock is gone.
                if (await store.FindAsync(model) is { IsReady: true } record && record.Node != InstanceStore.Node)
                {
                    return StartOutcome.Ready(record);
                }

                if (await locks.TryTakeAsync(model))
                {
                    return null;
                }

                if (time.GetUtcNow() > deadline)
                {
                    return StartOutcome.Refused(StatusCodes.Status504GatewayTimeout,
                        $"model '{model}' has been starting on {await locks.HolderAsync(model)} for longer than Lamina:Runner:LoadTimeout ({options.Value.LoadTimeout})");
                }

                await Task.Delay(OtherStartPoll, time, cancellationToken);
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogStoreAway(logger, model, e.Message);
            return null;
        }
    }

    private async Task ReleaseLockAsync(string model)
    {
        try
        {
            await locks.ReleaseAsync(model);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // The lock expires by itself.
        }
    }

    [LoggerMessage(LogLevel.Warning, "The store cannot be reached ({Reason}); starting {Model} without asking other Runners")]
    private static partial void LogStoreAway(ILogger logger, string model, string reason);
}
