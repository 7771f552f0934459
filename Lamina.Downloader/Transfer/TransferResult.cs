namespace Lamina.Downloader.Transfer;

/// <summary>A file in place: its size, its SHA-256, and how many bytes came over the network for it this time.</summary>
public sealed record TransferResult(long Size, string Sha256, long BytesFetched);
