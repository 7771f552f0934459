using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Lamina.Downloader.Transfer;

/// <summary>
/// How far each part of a <c>.partial</c> file has come, kept beside it as a small binary file.
/// A part's counter is written right after its bytes, eight bytes in place, so a killed
/// Downloader resumes at most one buffer behind where it was, and never ahead of the data.
/// </summary>
internal sealed class PartState : IDisposable
{
    private const long Magic = 0x4c414d494e415031; // marks the format, version 1
    private const int HeaderBytes = 8 + 8 + 8 + 32;

    private readonly SafeFileHandle _handle;
    private readonly long[] _done;

    private PartState(SafeFileHandle handle, long size, long partBytes, long[] done)
    {
        _handle = handle;
        Size = size;
        PartBytes = partBytes;
        _done = done;
    }

    public long Size { get; }

    public long PartBytes { get; }

    public int Count => _done.Length;

    public long Start(int part) => part * PartBytes;

    public long Length(int part) => Math.Min(PartBytes, Size - Start(part));

    public long Done(int part) => Volatile.Read(ref _done[part]);

    public bool IsComplete(int part) => Done(part) == Length(part);

    /// <summary>Bytes already in the file, counted from the state as found.</summary>
    public long TotalDone => Enumerable.Range(0, Count).Sum(Done);

    /// <summary>The end of the bytes that are all in place from the start of the file.</summary>
    public long ContiguousEnd()
    {
        for (var part = 0; part < Count; part++)
        {
            if (!IsComplete(part))
            {
                return Start(part) + Done(part);
            }
        }

        return Size;
    }

    /// <summary>Records that the part now has <paramref name="done"/> bytes in the file.</summary>
    public void Advance(int part, long done)
    {
        Volatile.Write(ref _done[part], done);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, done);
        RandomAccess.Write(_handle, bytes, HeaderBytes + 8L * part);
    }

    /// <summary>
    /// The state of an earlier attempt at the same file (same size, parts and identity), or a
    /// new one with nothing done; <paramref name="identity"/> is what the bytes must be (their
    /// SHA-256, else the server's validator), so a changed source starts over.
    /// </summary>
    public static PartState OpenOrCreate(string path, long size, long partBytes, string identity)
    {
        var id = SHA256.HashData(Encoding.UTF8.GetBytes(identity));
        var count = (int)((size + partBytes - 1) / partBytes);
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var found = new byte[HeaderBytes + 8L * count];
        var read = RandomAccess.Read(handle, found, 0);
        var done = new long[count];
        if (read == found.Length && Matches(found, size, partBytes, id))
        {
            for (var part = 0; part < count; part++)
            {
                var value = BinaryPrimitives.ReadInt64LittleEndian(found.AsSpan(HeaderBytes + 8 * part));
                done[part] = Math.Clamp(value, 0, Math.Min(partBytes, size - part * partBytes));
            }

            return new PartState(handle, size, partBytes, done);
        }

        var header = new byte[HeaderBytes + 8L * count];
        BinaryPrimitives.WriteInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), size);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), partBytes);
        id.CopyTo(header.AsSpan(24));
        RandomAccess.SetLength(handle, header.Length);
        RandomAccess.Write(handle, header, 0);
        return new PartState(handle, size, partBytes, done);
    }

    private static bool Matches(byte[] found, long size, long partBytes, byte[] id) =>
        BinaryPrimitives.ReadInt64LittleEndian(found) == Magic
        && BinaryPrimitives.ReadInt64LittleEndian(found.AsSpan(8)) == size
        && BinaryPrimitives.ReadInt64LittleEndian(found.AsSpan(16)) == partBytes
        && found.AsSpan(24, 32).SequenceEqual(id);

    public void Dispose() => _handle.Dispose();
}
