namespace Lamina.Shared.Gguf;

/// <summary>
/// Reads what a GGUF file says about its model from the header alone: milliseconds for a
/// multi-gigabyte file, and a <see cref="GgufFormatException"/> for anything that is not a
/// well-formed GGUF v2 or v3 header, however it lies.
/// </summary>
public static class GgufReader
{
    /// <summary>Reads the header of the GGUF file at <paramref name="path"/>.</summary>
    /// <exception cref="GgufFormatException">The file is not a readable GGUF header; the message says where and why.</exception>
    public static GgufModelInfo Read(string path)
    {
        // No FileStream buffer: the reader keeps its own, and skipping a big array must not read through it.
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        return Read(file, path);
    }

    /// <summary>
    /// Reads a GGUF header from <paramref name="stream"/>'s position on; offsets count from there.
    /// The stream must be seekable: its length is what every count in the header is checked against.
    /// </summary>
    /// <param name="source">Names the file in error messages.</param>
    /// <exception cref="GgufFormatException">The data is not a readable GGUF header; the message says where and why.</exception>
    public static GgufModelInfo Read(Stream stream, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The stream must be seekable: the reader checks every count in the header against its length.", nameof(stream));
        }

        using var reader = new GgufByteReader(stream, source);
        return new GgufHeaderParser(reader).Parse();
    }

    /// <summary>Whether the file at <paramref name="path"/> starts with the GGUF magic; false when it does not exist.</summary>
    public static bool IsGguf(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        Span<byte> magic = stackalloc byte[4];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        return file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) == magic.Length && IsGguf(magic);
    }

    /// <summary>Whether <paramref name="header"/>, a file's first bytes, starts with the GGUF magic.</summary>
    public static bool IsGguf(ReadOnlySpan<byte> header) => header.StartsWith("GGUF"u8);
}
