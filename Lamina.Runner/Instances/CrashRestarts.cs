using System.Collections.Concurrent;

namespace Lamina.Runner.Instances;

/// <summary>
/// When a model whose backend crashed is started again: after 1 s, then 2 s, 4 s..., and not at
/// all once it crashed more than the allowed times within ten minutes (a model that cannot stay
/// up should say so, not spin).
/// </summary>
public sealed class CrashRestarts(int most, TimeSpan firstDelay, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, List<DateTimeOffset>> _crashes = new(StringComparer.Ordinal);

    /// <summary>Records a crash; the wait before the next start, or null when the model is not to be restarted.</summary>
    public TimeSpan? Crashed(string model)
    {
        var now = time.GetUtcNow();
        var crashes = _crashes.GetOrAdd(model, _ => []);
        lock (crashes)
        {
            crashes.RemoveAll(at => now - at > Window);
            crashes.Add(now);
            return crashes.Count > most ? null : firstDelay * Math.Pow(2, crashes.Count - 1);
        }
    }
}
