namespace Lamina.Shared.Contracts;

/// <summary>What the Registry tells other services about one model: where it is and whether it can run.</summary>
public sealed record CatalogModel(
    string Name,
    string Backend,
    string? Path,
    string? ResolvedPath,
    bool Available,
    string? Reason)
{
    /// <summary><c>verifying</c>, <c>verified</c> or <c>mismatch</c> when the manifest declares the file's sha256; else null.</summary>
    public string? Checksum { get; init; }

    /// <summary>The manifest's <c>keep_alive</c> as written (<c>5m</c>, <c>-1</c>...); null leaves it to the Runner's default.</summary>
    public string? KeepAlive { get; init; }
}
