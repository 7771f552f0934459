using System.Text.Json.Nodes;

namespace Lamina.Shared.Manifest;

/// <summary>A parsed <c>models.yaml</c>: the models and the sections that describe them.</summary>
public sealed record ModelManifest(
    IReadOnlyDictionary<string, ModelEntry> Models,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Categories,
    IReadOnlyDictionary<string, JsonObject> Backends,
    IReadOnlyDictionary<string, string> Defaults)
{
    public static ModelManifest Empty { get; } = new(
        new Dictionary<string, ModelEntry>(), new Dictionary<string, IReadOnlyList<string>>(),
        new Dictionary<string, JsonObject>(), new Dictionary<string, string>());
}
