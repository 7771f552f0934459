namespace Lamina.Shared.Manifest;

/// <summary>
/// What loading a manifest gave: the catalog of its valid models (an entry with a problem is
/// left out, the others are served) and every problem found, in file order.
/// </summary>
/// <param name="Unreadable">
/// True when the file could not be used at all (missing, not YAML, no mapping at the top):
/// the manifest is then empty, and a caller serving a catalog may prefer the last good one.
/// </param>
public sealed record ManifestLoadResult(ModelManifest Manifest, IReadOnlyList<ManifestProblem> Problems, bool Unreadable)
{
    public bool IsClean => Problems.Count == 0;
}
