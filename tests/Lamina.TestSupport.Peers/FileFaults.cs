namespace Lamina.TestSupport.Peers;

/// <summary>
/// Faults a <see cref="FileServer"/> injects into its responses; settable at any time from any thread.
/// Offsets are absolute positions in whichever file a response serves.
/// </summary>
public sealed class FileFaults
{
    private readonly Lock _lock = new();
    private readonly List<OneShot> _stalls = [];
    private readonly List<OneShot> _drops = [];
    private readonly HashSet<long> _flips = [];
    private bool _noRange;
    private long? _throttle;
    private int? _failStatus;

    /// <summary>Ignore <c>Range</c>: answer 200 with the whole body and no <c>Accept-Ranges</c> header.</summary>
    public bool NoRange
    {
        get { lock (_lock) return _noRange; }
        set { lock (_lock) _noRange = value; }
    }

    /// <summary>Limit each response to this many body bytes per second, like a CDN limiting one connection.</summary>
    public long? ThrottleBytesPerSecond
    {
        get { lock (_lock) return _throttle; }
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value ?? 1, nameof(value));
            lock (_lock) _throttle = value;
        }
    }

    /// <summary>Answer every request with this status code and an empty body.</summary>
    public int? FailStatus
    {
        get { lock (_lock) return _failStatus; }
        set { lock (_lock) _failStatus = value; }
    }

    /// <summary>
    /// The first <paramref name="count"/> GET responses whose range covers <paramref name="offset"/> send the bytes
    /// before it, then hang with the connection open until the client disconnects.
    /// </summary>
    public void StallOnceAt(long offset, int count = 1) => Arm(_stalls, offset, count);

    /// <summary>
    /// The first <paramref name="count"/> GET responses whose range covers <paramref name="offset"/> send the bytes
    /// before it, then abort the connection.
    /// </summary>
    public void DropOnceAt(long offset, int count = 1) => Arm(_drops, offset, count);

    /// <summary>Every GET response covering <paramref name="offset"/> sends that byte XOR 0xFF, until cleared.</summary>
    public void FlipByteAt(long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        lock (_lock) _flips.Add(offset);
    }

    /// <summary>Removes every fault.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _stalls.Clear();
            _drops.Clear();
            _flips.Clear();
            _noRange = false;
            _throttle = null;
            _failStatus = null;
        }
    }

    /// <summary>
    /// Takes, for one response over [start, end), the earliest armed stall or drop inside it, or null.
    /// Only the one that will fire is used up.
    /// </summary>
    internal FaultCut? ClaimCut(long start, long end)
    {
        lock (_lock)
        {
            var stall = Earliest(_stalls, start, end);
            var drop = Earliest(_drops, start, end);
            var drops = drop is not null && (stall is null || drop.Offset <= stall.Offset);
            var (hit, armed) = drops ? (drop, _drops) : (stall, _stalls);
            if (hit is null)
                return null;
            if (--hit.Remaining == 0)
                armed.Remove(hit);
            return new FaultCut(hit.Offset, drops);
        }
    }

    /// <summary>Corrupts the bytes of <paramref name="chunk"/>, which holds the file from <paramref name="offset"/>.</summary>
    internal void ApplyFlips(long offset, Span<byte> chunk)
    {
        lock (_lock)
        {
            foreach (var flip in _flips)
            {
                if (flip >= offset && flip - offset < chunk.Length)
                    chunk[(int)(flip - offset)] ^= 0xFF;
            }
        }
    }

    private void Arm(List<OneShot> armed, long offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_lock) armed.Add(new OneShot(offset, count));
    }

    private static OneShot? Earliest(List<OneShot> armed, long start, long end) =>
        armed.Where(a => a.Offset >= start && a.Offset < end).MinBy(a => a.Offset);

    private sealed class OneShot(long offset, int remaining)
    {
        public long Offset { get; } = offset;

        public int Remaining { get; set; } = remaining;
    }
}
