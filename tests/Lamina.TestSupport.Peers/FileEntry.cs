using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Lamina.TestSupport.Peers;

/// <summary>Content a <see cref="FileServer"/> serves: bytes in memory or a file on disk read on demand.</summary>
internal sealed class FileEntry
{
    private readonly byte[]? _bytes;
    private readonly string? _path;

    private FileEntry(byte[]? bytes, string? path, long length, string etag, DateTimeOffset lastModified)
    {
        _bytes = bytes;
        _path = path;
        Length = length;
        ETag = etag;
        LastModified = lastModified;
    }

    public long Length { get; }

    /// <summary>Quoted strong validator.</summary>
    public string ETag { get; }

    public DateTimeOffset LastModified { get; }

    public static FileEntry FromBytes(byte[] content)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(content))[..32];
        return new FileEntry(content, null, content.Length, $"\"{hash}\"", WholeSeconds(DateTimeOffset.UtcNow));
    }

    /// <summary>Validators come from size and modification time, as nginx does, so a 1 GiB file is not hashed.</summary>
    public static FileEntry FromDisk(string path)
    {
        var info = new FileInfo(path);
        var modified = WholeSeconds(new DateTimeOffset(info.LastWriteTimeUtc));
        var etag = $"\"{modified.ToUnixTimeSeconds():x}-{info.Length:x}\"";
        return new FileEntry(null, info.FullName, info.Length, etag, modified);
    }

    /// <summary>Fills <paramref name="buffer"/> with the content from <paramref name="offset"/>.</summary>
    public async ValueTask ReadAsync(SafeFileHandle? handle, long offset, Memory<byte> buffer, CancellationToken ct)
    {
        if (_bytes is not null)
        {
            _bytes.AsMemory((int)offset, buffer.Length).CopyTo(buffer);
            return;
        }
        while (!buffer.IsEmpty)
        {
            var read = await RandomAccess.ReadAsync(handle!, buffer, offset, ct);
            if (read == 0)
                throw new EndOfStreamException($"{_path} is shorter than the {Length} bytes it had when added.");
            buffer = buffer[read..];
            offset += read;
        }
    }

    /// <summary>A handle for <see cref="ReadAsync"/>, null for content in memory.</summary>
    public SafeFileHandle? Open() =>
        _path is null ? null : File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);

    private static DateTimeOffset WholeSeconds(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());
}
