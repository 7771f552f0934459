using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Lamina.Shared.Gguf;

/// <summary>
/// Little-endian reads over a seekable stream through one pooled buffer. Every read and skip is
/// checked against the bytes left before anything is allocated, and a skip past the buffer is a
/// seek, so skipping a large array costs nothing.
/// </summary>
internal sealed class GgufByteReader : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly long _origin;
    private readonly string? _source;
    private readonly byte[] _buffer;
    private long _bufferStart;
    private int _count;
    private int _index;
    private long _streamOffset;

    public GgufByteReader(Stream stream, string? source)
    {
        _stream = stream;
        _source = source;
        _origin = stream.Position;
        Length = Math.Max(0, stream.Length - _origin);
        _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(Length, 16, BufferSize));
    }

    /// <summary>Bytes from the start of the GGUF data to the end of the stream.</summary>
    public long Length { get; }

    public long Position => _bufferStart + _index;

    public long Remaining => Length - Position;

    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(sizeof(uint), what));

    public ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(sizeof(ulong), what));

    /// <summary>The next <paramref name="size"/> bytes (at most 8 or so); valid until the next read.</summary>
    public ReadOnlySpan<byte> Take(int size, string what)
    {
        if (_count - _index < size)
        {
            Fill(size, what);
        }

        var span = _buffer.AsSpan(_index, size);
        _index += size;
        return span;
    }

    /// <summary>Reads a u64 byte count and checks it against the bytes left: a length to read or skip.</summary>
    public long ReadLength(string what)
    {
        var offset = Position;
        var length = ReadUInt64(what);
        if (length > (ulong)Remaining)
        {
            throw Fail(GgufErrorKind.ExceedsFile, offset, $"{what}: length {length} at offset {offset} exceeds the {Remaining} bytes left");
        }

        return (long)length;
    }

    /// <summary>A string of at most <paramref name="maxBytes"/> UTF-8 bytes; invalid UTF-8 decodes to U+FFFD.</summary>
    public string ReadString(int maxBytes, string what)
    {
        var offset = Position;
        var length = ReadLength(what);
        if (length > maxBytes)
        {
            throw Fail(GgufErrorKind.LimitExceeded, offset, $"{what}: length {length} at offset {offset} is over the limit of {maxBytes} bytes");
        }

        return ReadUtf8((int)length, what);
    }

    /// <summary>The next <paramref name="length"/> bytes as UTF-8; the caller has checked the length.</summary>
    public string ReadUtf8(int length, string what)
    {
        if (length <= _buffer.Length)
        {
            return Encoding.UTF8.GetString(Take(length, what));
        }

        var bytes = new byte[length];
        ReadExactly(bytes, what);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>
    /// Skips <paramref name="count"/> strings without decoding them, still checking each length
    /// against the bytes left. Tokenizer arrays spend their time here, hundreds of thousands of
    /// strings once per process: too few calls for tiered compilation to optimise it in time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SkipStrings(ulong count, string what)
    {
        for (; count > 0; count--)
        {
            if (_count - _index < sizeof(ulong))
            {
                Fill(sizeof(ulong), what);
            }

            var length = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(_index));
            _index += sizeof(ulong);
            if (length <= (ulong)(_count - _index))
            {
                _index += (int)length;
                continue;
            }

            if (length > (ulong)Remaining)
            {
                var offset = Position - sizeof(ulong);
                throw Fail(GgufErrorKind.ExceedsFile, offset, $"{what}: length {length} at offset {offset} exceeds the {Remaining} bytes left");
            }

            Skip((long)length, what);
        }
    }

    public void Skip(long size, string what)
    {
        if (size > Remaining)
        {
            throw Fail(GgufErrorKind.ExceedsFile, Position, $"{what}: {size} bytes at offset {Position} exceed the {Remaining} bytes left");
        }

        if (size <= _count - _index)
        {
            _index += (int)size;
            return;
        }

        // Past the buffer: forget it, and the next read seeks.
        _bufferStart = Position + size;
        _index = 0;
        _count = 0;
        CheckHeaderLimit(0, what);
    }

    public GgufFormatException Fail(GgufErrorKind kind, long offset, string message) =>
        new(kind, offset, _source is null ? message : $"{_source}: {message}");

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    private void ReadExactly(Span<byte> destination, string what)
    {
        while (!destination.IsEmpty)
        {
            if (_count == _index)
            {
                Fill(Math.Min(destination.Length, _buffer.Length), what);
            }

            var n = Math.Min(_count - _index, destination.Length);
            _buffer.AsSpan(_index, n).CopyTo(destination);
            _index += n;
            destination = destination[n..];
        }
    }

    // Makes at least `size` (<= buffer length) unread bytes available at _index.
    private void Fill(int size, string what)
    {
        if (size > Remaining)
        {
            throw Fail(GgufErrorKind.Truncated, Position,
                $"{what}: needs {size} bytes at offset {Position} but the file ends at byte {Length} (truncated, or an incomplete download?)");
        }

        CheckHeaderLimit(size, what);
        var left = _count - _index;
        _buffer.AsSpan(_index, left).CopyTo(_buffer);
        _bufferStart += _index;
        _index = 0;
        _count = left;

        var fileOffset = _bufferStart + _count;
        if (_streamOffset != fileOffset)
        {
            _stream.Position = _origin + fileOffset;
            _streamOffset = fileOffset;
        }

        var wanted = (int)Math.Min(_buffer.Length - _count, Length - fileOffset);
        var read = _stream.ReadAtLeast(_buffer.AsSpan(_count, wanted), size - left, throwOnEndOfStream: false);
        _streamOffset += read;
        _count += read;
        if (_count < size)
        {
            // The stream said it was longer than it turned out to be (a file shrinking under us).
            throw Fail(GgufErrorKind.Truncated, Position, $"{what}: the file ended at byte {fileOffset + read}, before offset {Position + size}");
        }
    }

    private void CheckHeaderLimit(int size, string what)
    {
        if (Position + size > GgufLimits.MaxHeaderBytes)
        {
            throw Fail(GgufErrorKind.LimitExceeded, Position,
                $"{what}: the header goes on past {GgufLimits.MaxHeaderBytes} bytes (offset {Position + size}); no real model's header is that large");
        }
    }
}
