namespace Lamina.Gateway.Telemetry;

/// <summary>
/// Counts a byte pattern in a stream written in pieces, including where one write ends inside the pattern and the
/// next completes it: the last bytes of each write are carried to the next.
/// </summary>
public sealed class SplitCount
{
    private readonly byte[] _pattern;
    private readonly byte[] _carry;
    private int _carryLength;

    /// <param name="pattern">What to count.</param>
    /// <param name="before">Bytes taken as written before the stream began (a newline, so the first line counts as a line start).</param>
    public SplitCount(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> before = default)
    {
        _pattern = pattern.ToArray();
        _carry = new byte[pattern.Length - 1];
        before[^Math.Min(before.Length, _carry.Length)..].CopyTo(_carry);
        _carryLength = Math.Min(before.Length, _carry.Length);
    }

    public long Count { get; private set; }

    public void Add(ReadOnlySpan<byte> bytes)
    {
        // Occurrences that start in the carried bytes and end in this write.
        Span<byte> seam = stackalloc byte[2 * _carry.Length];
        var carried = _carry.AsSpan(0, _carryLength);
        carried.CopyTo(seam);
        var head = bytes[..Math.Min(bytes.Length, _carry.Length)];
        head.CopyTo(seam[carried.Length..]);
        var joined = seam[..(carried.Length + head.Length)];
        for (var at = 0; at < carried.Length; at++)
        {
            Count += joined[at..].StartsWith(_pattern) ? 1 : 0;
        }

        Count += bytes.Count(_pattern);

        // The next seam starts with this write's last bytes (or the seam's, when this write is short).
        var tail = bytes.Length >= _carry.Length ? bytes[^_carry.Length..] : joined[^Math.Min(joined.Length, _carry.Length)..];
        tail.CopyTo(_carry);
        _carryLength = tail.Length;
    }
}
