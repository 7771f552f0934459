using System.Collections.Frozen;
using System.Text.Json;
using Lamina.Shared.Contracts;
using Lamina.Shared.Gguf;
using Lamina.Shared.Manifest;

namespace Lamina.Registry.Catalog;

/// <summary>A manifest model as the Registry's responses show it: its entry, its files and its live state.</summary>
public static class ModelDescriptions
{
    // A field its author wrote whose name the Registry's own fields take (name, available...) would appear twice.
    private static readonly FrozenSet<string> _ownFields =
        LaminaJsonContext.Default.CatalogModel.Properties.Select(property => property.Name).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The entry as the manifest holds it, typed.</summary>
    public static ManifestEntry Entry(ModelEntry model) => model.Raw.Deserialize(LaminaJsonContext.Default.ManifestEntry)!;

    /// <summary>The model as <c>GET /models</c> lists it: its entry, where its files are, and its server while one runs.</summary>
    public static CatalogModel Describe(CatalogModel files, ModelEntry model, IReadOnlyDictionary<string, InstanceInfo> instances)
    {
        var entry = Entry(model);
        if (entry.OtherFields?.Any(field => _ownFields.Contains(field.Key)) == true)
        {
            entry = entry with { OtherFields = entry.OtherFields.Where(field => !_ownFields.Contains(field.Key)).ToDictionary() };
        }

        var instance = instances.GetValueOrDefault(model.Name);
        return CatalogModel.Of(model.Name, model.Backend, entry, files.ResolvedPath, files.Available, files.Reason) with
        {
            Active = instance is not null,
            Checksum = files.Checksum,
            Server = instance is null ? null : new ModelServer(
                instance.Backend, instance.State, instance.Endpoint, instance.Endpoint is null ? null : $"{instance.Endpoint}/v1/chat/completions"),
        };
    }

    /// <summary>
    /// The model as <c>GET /models/{name}</c> shows it: also its format, its files' size and age, every backend's
    /// settings, and its GGUF header's facts with memory estimated at <paramref name="contextLength"/> (else the manifest's, else its own).
    /// </summary>
    public static CatalogModel Detail(ModelCatalog catalog, ModelEntry model, IReadOnlyDictionary<string, InstanceInfo> instances, int? contextLength)
    {
        var files = catalog.Describe(model);
        return Describe(files, model, instances) with
        {
            Format = model.Format,
            SizeBytes = ModelFiles.SizeOf(files.ResolvedPath),
            ModifiedAt = ModelFiles.ModifiedAt(files.ResolvedPath),
            BackendSettings = catalog.Manifest.Backends.ToDictionary(pair => pair.Key, pair => pair.Value.Deserialize(LaminaJsonContext.Default.BackendSettings)!),
            Metadata = catalog.Inspect(model, files) is { } header ? Metadata(header, contextLength ?? model.ContextLength) : null,
        };
    }

    private static ModelMetadata Metadata(GgufModelInfo header, int? contextLength) => new()
    {
        Architecture = header.Architecture,
        Name = header.Name,
        ParameterCount = header.ParameterCount,
        ContextLength = header.ContextLength,
        Quantization = header.Quantization.ToString(),
        FileType = header.Quantization.FileTypeName,
        TensorTypes = header.Quantization.TensorTypes,
        HasChatTemplate = header.HasChatTemplate,
        // The text itself, for Ollama's show (absent when the header's is too long to keep).
        ChatTemplate = header.ChatTemplate,
        BlockCount = header.BlockCount,
        EstimatedMemoryBytes = header.EstimateMemoryBytes(contextLength),
        EstimatedContextLength = header.EstimateMemory(contextLength).ContextLength,
    };
}
