using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace Lamina.Shared.Manifest;

/// <summary>
/// A parsed <c>models.yaml</c>: its valid models and the sections that describe them.
/// Categories and defaults name models by their canonical name, aliases already resolved.
/// </summary>
public sealed record ModelManifest(
    IReadOnlyDictionary<string, ModelEntry> Models,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Categories,
    IReadOnlyDictionary<string, JsonObject> Backends,
    IReadOnlyDictionary<string, string> Defaults)
{
    public static ModelManifest Empty { get; } = new(
        new Dictionary<string, ModelEntry>(), new Dictionary<string, IReadOnlyList<string>>(),
        new Dictionary<string, JsonObject>(), new Dictionary<string, string>());

    /// <summary>Each alias and the model name it stands for.</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();

    /// <summary>The model a name or an alias stands for.</summary>
    public bool TryGetModel(string nameOrAlias, [NotNullWhen(true)] out ModelEntry? model)
    {
        if (Models.TryGetValue(nameOrAlias, out model))
        {
            return true;
        }

        model = null;
        return Aliases.TryGetValue(nameOrAlias, out var name) && Models.TryGetValue(name, out model);
    }
}
