using System.Threading.Channels;

namespace Lamina.Engine.Slots;

/// <summary>
/// The free slots, handed out first come, first served: a request beyond -np waits here instead
/// of failing, and a cancelled wait leaves the queue.
/// </summary>
internal sealed class SlotPool(ILogger<SlotPool> logger) : IAsyncDisposable
{
    private static readonly TimeSpan _drainTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<Slot> _free = Channel.CreateUnbounded<Slot>();
    private readonly List<Slot> _all = [];

    public int Count => _all.Count;

    public uint ContextSize => _all.Count > 0 ? _all[0].Context.ContextSize : 0;

    public void Add(Slot slot)
    {
        _all.Add(slot);
        _free.Writer.TryWrite(slot);
    }

    public async ValueTask<SlotLease> RentAsync(CancellationToken cancellationToken)
    {
        if (!_free.Reader.TryRead(out var slot))
        {
            logger.WaitingForSlot(_all.Count);
            slot = await _free.Reader.ReadAsync(cancellationToken);
        }

        return new SlotLease(slot, this);
    }

    internal void Return(Slot slot) => _free.Writer.TryWrite(slot);

    // A context freed under a running decode would crash the process: take each slot back
    // first, and leave to process exit the ones a stuck request still holds.
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(_drainTimeout);
        for (var i = 0; i < _all.Count; i++)
        {
            try
            {
                (await _free.Reader.ReadAsync(timeout.Token)).Dispose();
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

/// <summary>A rented slot; disposing it gives the slot back, whatever ended the generation.</summary>
internal sealed class SlotLease(Slot slot, SlotPool pool) : IDisposable
{
    private int _returned;

    public Slot Slot { get; } = slot;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _returned, 1) == 0)
            pool.Return(Slot);
    }
}
