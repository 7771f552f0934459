using System.Collections.Concurrent;
using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Gateway.Routing;

/// <summary>
/// This gateway's use of each model: requests in flight and when the last one ended. Requests only
/// touch memory; <see cref="GatewayPresence"/> writes what changed to the store in one batch every
/// <see cref="GatewayPresence.WriteInterval"/>, and at once when a model that had been quiet gets a
/// request, so a Runner about to stop it as idle learns first. Before, each request made three store
/// writes (each traced too), a large share of its cost, on a store that shares the cores.
/// </summary>
public sealed class ModelUse(IConnectionMultiplexer redis, TimeProvider time)
{
    /// <summary>A model written no sooner than this ago is written at once when a request for it begins.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Tally> _models = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    // 1 while the writer waits with nothing to write and no request in flight: then any change wakes it.
    private int _writerIdle;

    /// <summary>A request for the model began: it counts as in use until <see cref="Ended"/>.</summary>
    public void Began(string model)
    {
        var tally = _models.GetOrAdd(model, _ => new Tally());
        Interlocked.Increment(ref tally.InFlight);
        Change(tally, quiet: time.GetElapsedTime(Volatile.Read(ref tally.WrittenAt)) >= Quiet);
    }

    /// <summary>The request ended now: the model's idle time counts from here.</summary>
    public void Ended(string model)
    {
        var tally = _models.GetOrAdd(model, _ => new Tally());
        Volatile.Write(ref tally.EndedAt, time.GetUtcNow().ToUnixTimeMilliseconds());
        Interlocked.Decrement(ref tally.InFlight);
        Change(tally, quiet: false);
    }

    /// <summary>
    /// When this gateway last used the model: now while a request for it runs here, else when the last one ended
    /// (written to the store or not yet); null when none has. Exact, where the store's counts lag by a write interval.
    /// </summary>
    public DateTimeOffset? LastUse(string model)
    {
        if (!_models.TryGetValue(model, out var tally))
        {
            return null;
        }

        var ended = Volatile.Read(ref tally.EndedAt);
        return Volatile.Read(ref tally.InFlight) > 0 ? time.GetUtcNow() : ended > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ended) : null;
    }

    /// <summary>
    /// Waits until a quiet model gets a request, or, when nothing waits to be written and no request is in flight, until
    /// anything changes (true); else until <paramref name="interval"/> ends, or <paramref name="idleInterval"/> when idle
    /// (false), on the injected clock. A gateway with no requests so wakes only to renew its presence, not ten times a
    /// second; one with requests in flight still writes their ends in batches, not one write per request.
    /// </summary>
    public async Task<bool> WaitAsync(TimeSpan interval, TimeSpan idleInterval, CancellationToken cancellationToken)
    {
        // Flag first, then look: a change racing with this either shows in Busy or sees the flag and wakes the writer.
        Interlocked.Exchange(ref _writerIdle, 1);
        if (Busy())
        {
            Interlocked.Exchange(ref _writerIdle, 0);
        }
        else
        {
            interval = idleInterval;
        }

        try
        {
            return await WaitAsync(interval, cancellationToken);
        }
        finally
        {
            Interlocked.Exchange(ref _writerIdle, 0);
        }
    }

    private async Task<bool> WaitAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var elapsed = new CancellationTokenSource(interval, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, elapsed.Token);
        try
        {
            await _wake.WaitAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes every model whose use changed since the last write: its count of requests in flight in this
    /// gateway's hash, and when its last request ended. One writer at a time, so an older count never lands
    /// after a newer one. What could not be written is written next time.
    /// </summary>
    public async Task WriteAsync()
    {
        await _writing.WaitAsync();
        List<(string Model, Tally Tally)> changed = [];
        try
        {
            foreach (var (model, tally) in _models)
            {
                if (Interlocked.Exchange(ref tally.Changed, 0) == 1)
                {
                    changed.Add((model, tally));
                }
            }

            if (changed.Count == 0)
            {
                return;
            }

            var now = time.GetTimestamp();
            var inFlight = changed.Select(entry => new HashEntry(entry.Model, Math.Max(0, Volatile.Read(ref entry.Tally.InFlight)))).ToArray();
            var ended = changed.Where(entry => Volatile.Read(ref entry.Tally.EndedAt) > 0)
                .Select(entry => new HashEntry(entry.Model, Volatile.Read(ref entry.Tally.EndedAt))).ToArray();
            var db = redis.GetDatabase();
            var writes = new List<Task> { db.HashSetAsync(GatewayPresence.Key, inFlight) };
            if (ended.Length > 0)
            {
                writes.Add(db.HashSetAsync(RedisKeys.InstanceUse, ended));
            }

            await Task.WhenAll(writes);
            foreach (var (_, tally) in changed)
            {
                Volatile.Write(ref tally.WrittenAt, now);
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            foreach (var (_, tally) in changed)
            {
                Volatile.Write(ref tally.Changed, 1);
            }

            throw;
        }
        finally
        {
            _writing.Release();
        }
    }

    private bool Busy() => _models.Values.Any(tally => Volatile.Read(ref tally.Changed) == 1 || Volatile.Read(ref tally.InFlight) > 0);

    private void Change(Tally tally, bool quiet)
    {
        Interlocked.Exchange(ref tally.Changed, 1);
        if (quiet || Volatile.Read(ref _writerIdle) == 1)
        {
            Wake();
        }
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another request woke the writer first.
            }
        }
    }

    private sealed class Tally
    {
        public long InFlight;
        public long EndedAt;
        public long WrittenAt;
        public int Changed;
    }
}
