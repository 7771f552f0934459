using System.Text.Json.Nodes;
using Lamina.Shared.Manifest;

namespace Lamina.Registry.Catalog;

/// <summary>The filters of <c>GET /models</c>; a filter left out matches every model.</summary>
public sealed record ModelQuery(bool? Available, string? Backend, string? Category, string? UseCase, string? Tag)
{
    public bool Matches(ModelEntry model, ModelManifest manifest, bool available) =>
        (Available is null || Available == available)
        && (Backend is null || string.Equals(model.Backend, Backend, StringComparison.OrdinalIgnoreCase))
        && (Category is null || InCategory(manifest, Category, model.Name))
        && (UseCase is null || ServesUseCase(model, manifest, UseCase))
        && (Tag is null || Strings(model.Raw["tags"]).Contains(Tag, StringComparer.OrdinalIgnoreCase));

    /// <summary>A model serves a use case when it says so, is its default, or sits in the category of that name.</summary>
    public static bool ServesUseCase(ModelEntry model, ModelManifest manifest, string useCase) =>
        Strings(model.Raw["use_cases"]).Contains(useCase, StringComparer.OrdinalIgnoreCase)
        || (manifest.Defaults.TryGetValue(useCase, out var chosen) && chosen == model.Name)
        || InCategory(manifest, useCase, model.Name);

    public static bool InCategory(ModelManifest manifest, string category, string model) =>
        manifest.Categories.TryGetValue(category, out var members) && members.Contains(model);

    public static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray list ? list.Select(item => item?.ToString() ?? "") : [];
}
