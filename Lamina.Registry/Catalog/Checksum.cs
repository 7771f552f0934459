namespace Lamina.Registry.Catalog;

/// <summary>A file's standing against its declared SHA-256: <c>verifying</c>, <c>verified</c> or <c>mismatch</c> (with the file's digest).</summary>
public sealed record Checksum(string State, string? Actual = null)
{
    public static Checksum Verifying { get; } = new("verifying");

    public static Checksum Verified { get; } = new("verified");

    public static Checksum Mismatch(string actual) => new("mismatch", actual);
}
