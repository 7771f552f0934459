using System.Text.Json;
using System.Text.Json.Serialization;
using Lamina.Registry.Apis;

namespace Lamina.Registry;

/// <summary>The Registry's own response bodies, serialized by generated code; the contracts between services are in <see cref="Lamina.Shared.Contracts.LaminaJsonContext"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CatalogApi.CategoryList))]
[JsonSerializable(typeof(CatalogApi.CatalogStats))]
[JsonSerializable(typeof(ManifestApi.ManifestStatus))]
[JsonSerializable(typeof(SuggestApi.Suggestion))]
[JsonSerializable(typeof(SuggestApi.NoSuggestion))]
[JsonSerializable(typeof(SuggestApi.SuggestBody))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;
