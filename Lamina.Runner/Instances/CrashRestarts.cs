using System.Collections.Concurrent;
using Polly;
using Polly.Retry;

namespace Lamina.Runner.Instances;

/// <summary>
/// When a model whose backend crashed is started again: after 1 s, then 2 s, 4 s..., and not at
/// all once it crashed more than the allowed times within ten minutes (a model that cannot stay
/// up should say so, not spin). Polly's retry runs the backend's lives and waits out the backoff on
/// the <see cref="TimeProvider"/>, so a test drives it with a fake clock.
/// </summary>
public sealed class CrashRestarts
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, List<DateTimeOffset>> _crashes = new(StringComparer.Ordinal);
    private readonly ResiliencePipeline<BackendExit> _pipeline;
    private readonly int _most;
    private readonly TimeSpan _firstDelay;
    private readonly TimeProvider _time;

    public CrashRestarts(int most, TimeSpan firstDelay, TimeProvider time)
    {
        (_most, _firstDelay, _time) = (most, firstDelay, time);
        _pipeline = new ResiliencePipelineBuilder<BackendExit> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<BackendExit>
            {
                // The ten-minute window, not an attempt count, decides when to give up: see Crashed.
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { RestartIn: not null }),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RestartIn),
                UseJitter = false,
            })
            .Build();
    }

    public int Most => _most;

    /// <summary>Records a crash; the wait before the next start, or null when the model is not to be restarted.</summary>
    public TimeSpan? Crashed(string model)
    {
        var now = _time.GetUtcNow();
        var crashes = _crashes.GetOrAdd(model, _ => []);
        lock (crashes)
        {
            crashes.RemoveAll(at => now - at > Window);
            crashes.Add(now);
            return crashes.Count > _most ? null : _firstDelay * Math.Pow(2, crashes.Count - 1);
        }
    }

    /// <summary>
    /// Runs <paramref name="life"/> (its argument: whether this is a restart) and again, after the wait it
    /// returned, each time it ends by a crash that <see cref="Crashed"/> allows; the last life's end.
    /// </summary>
    public async ValueTask<BackendExit> KeepUpAsync(Func<bool, CancellationToken, ValueTask<BackendExit>> life, CancellationToken cancellationToken)
    {
        var again = false;
        return await _pipeline.ExecuteAsync(async token =>
        {
            var restart = again;
            again = true;
            return await life(restart, token);
        }, cancellationToken);
    }
}

/// <summary>How one life of a backend ended: its exit code when it crashed, and the wait before it starts again (null: it does not).</summary>
public sealed record BackendExit(int? ExitCode, TimeSpan? RestartIn)
{
    /// <summary>Stopped on purpose, or not started again: nothing to restart.</summary>
    public static BackendExit Ended { get; } = new(null, null);
}
