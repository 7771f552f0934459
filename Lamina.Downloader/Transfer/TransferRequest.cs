namespace Lamina.Downloader.Transfer;

/// <summary>One file to fetch: where from, where to, and what its bytes must be.</summary>
/// <param name="TargetPath">The final file; it appears only whole and verified.</param>
public sealed record TransferRequest(Uri Url, string TargetPath)
{
    /// <summary>The size the source promises; checked against what the server says.</summary>
    public long? Size { get; init; }

    /// <summary>The SHA-256 the bytes must have, lowercase hex; null verifies nothing but still reports the digest.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Sent with every request for the file, such as a hub's <c>Authorization</c> (never sent on to another host).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}
