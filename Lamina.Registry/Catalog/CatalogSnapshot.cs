using Lamina.Shared.Manifest;

namespace Lamina.Registry.Catalog;

/// <summary>One reading of the manifest: what is served, and what was wrong with the file.</summary>
public sealed record CatalogSnapshot(
    ModelManifest Manifest,
    string ETag,
    DateTimeOffset LoadedAt,
    IReadOnlyList<string> Problems)
{
    public static CatalogSnapshot Empty { get; } = new(ModelManifest.Empty, "\"empty\"", DateTimeOffset.MinValue, []);
}
