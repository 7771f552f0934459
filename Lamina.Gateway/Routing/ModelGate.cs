using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Lamina.Gateway.Routing;

/// <summary>
/// At most <c>MaxConcurrentPerModel</c> requests per model at once, and <c>MaxQueuePerModel</c>
/// waiting behind them in arrival order; a request beyond the queue is turned away at once.
/// </summary>
public sealed class ModelGate(IOptions<GatewayOptions> options)
{
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>A place to run (dispose it when the response ends), or null when the model's queue is full.</summary>
    public async ValueTask<IDisposable?> EnterAsync(string model, CancellationToken cancellationToken)
    {
        var most = options.Value.MaxConcurrentPerModel;
        if (most == 0)
        {
            return Lane.Unlimited;
        }

        var lane = _lanes.GetOrAdd(model, _ => new Lane(most));
        if (lane.Slots.Wait(0))
        {
            return new Lease(lane);
        }

        if (Interlocked.Increment(ref lane.Waiting) > options.Value.MaxQueuePerModel)
        {
            Interlocked.Decrement(ref lane.Waiting);
            return null;
        }

        try
        {
            await lane.Slots.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref lane.Waiting);
        }

        return new Lease(lane);
    }

    /// <summary>Seconds a turned-away client should wait: roughly the queue's length in rounds of the model's slots.</summary>
    public int RetryAfterSeconds(string model) =>
        _lanes.TryGetValue(model, out var lane) ? Math.Max(1, (int)Math.Ceiling((double)lane.Waiting / options.Value.MaxConcurrentPerModel)) : 1;

    private sealed class Lane(int slots)
    {
        public static readonly IDisposable Unlimited = new Lease(null);

        public readonly SemaphoreSlim Slots = new(slots, slots);

        public int Waiting;
    }

    private sealed class Lease(Lane? lane) : IDisposable
    {
        private Lane? _lane = lane;

        public void Dispose() => Interlocked.Exchange(ref _lane, null)?.Slots.Release();
    }
}
