namespace Lamina.Shared.Contracts;

/// <summary>
/// A file's SHA-256 as measured at one version of it (size and modification time). The
/// Downloader records one for each file it verified, so the Registry need not hash it again.
/// </summary>
public sealed record ChecksumVerdict(long Length, DateTime WrittenAt, string Sha256)
{
    public static ChecksumVerdict Of(FileInfo file, string sha256) => new(file.Length, file.LastWriteTimeUtc, sha256);

    /// <summary>Whether the file is still the version the digest was measured on.</summary>
    public bool Describes(FileInfo file) => file.Exists && file.Length == Length && file.LastWriteTimeUtc == WrittenAt;
}
