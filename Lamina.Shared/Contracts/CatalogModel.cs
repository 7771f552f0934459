using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Lamina.Shared.Contracts;

/// <summary>
/// What the Registry tells other services about one model: its manifest entry, where its files are,
/// whether it can run and how to run it. <c>GET /models</c> gives each model without the fields
/// marked as <c>GET /models/{name}</c>'s.
/// </summary>
public sealed record CatalogModel(
    string Name,
    string Backend,
    [property: JsonConverter(typeof(TextOrNumberConverter))] string? Path,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ResolvedPath,
    bool Available,
    string? Reason)
{
    /// <summary>Whether the model runs now (see <see cref="Server"/>).</summary>
    public bool Active { get; init; }

    /// <summary><c>verifying</c>, <c>verified</c> or <c>mismatch</c> when the manifest declares the file's sha256; else null.</summary>
    public string? Checksum { get; init; }

    /// <summary>The model's server, while one runs.</summary>
    public ModelServer? Server { get; init; }

    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? Description { get; init; }

    /// <summary>The manifest's download size as written, such as <c>4.7GB</c>.</summary>
    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? Size { get; init; }

    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? Quantization { get; init; }

    /// <summary><c>gguf</c>, <c>safetensors</c> or <c>mlc</c>: as written in the list; as written or inferred in <c>GET /models/{name}</c>.</summary>
    public string? Format { get; init; }

    /// <summary>The manifest's <c>context_length</c>: the context the model runs with unless a start asks for another.</summary>
    public int? ContextLength { get; init; }

    /// <summary>The manifest's <c>use_cases</c>: a model whose only one is <c>embeddings</c> is started to embed, not to generate.</summary>
    [JsonConverter(typeof(TextListConverter))]
    public IReadOnlyList<string>? UseCases { get; init; }

    [JsonConverter(typeof(TextListConverter))]
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Other names that resolve to this model, e.g. its Ollama name.</summary>
    [JsonConverter(typeof(TextListConverter))]
    public IReadOnlyList<string>? Aliases { get; init; }

    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? Sha256 { get; init; }

    /// <summary>The manifest's extra backend arguments, after the backend's <c>default_args</c>.</summary>
    [JsonConverter(typeof(TextListConverter))]
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>The manifest's <c>gpu_layers</c>: 0 for none, -1 for all; null lets the Runner decide by free memory.</summary>
    public int? GpuLayers { get; init; }

    /// <summary>The manifest's <c>keep_alive</c> as written (<c>5m</c>, <c>-1</c>...); null leaves it to the Runner's default.</summary>
    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? KeepAlive { get; init; }

    /// <summary>The manifest's <c>load_timeout</c> as written; null leaves it to <c>Lamina:Runner:LoadTimeout</c>.</summary>
    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? LoadTimeout { get; init; }

    /// <summary>The manifest's download sources.</summary>
    public JsonObject? Download { get; init; }

    /// <summary>The Ollama layers kept beside the model, by kind: their paths.</summary>
    public IReadOnlyDictionary<string, string>? OllamaLayers { get; init; }

    /// <summary><c>GET /models/{name}</c>: bytes of the model's files on disk (the file, or every file of its folder).</summary>
    public long? SizeBytes { get; init; }

    /// <summary><c>GET /models/{name}</c>: when the model's files last changed.</summary>
    public DateTimeOffset? ModifiedAt { get; init; }

    /// <summary><c>GET /models/{name}</c>: what the GGUF header says, for GGUF models that are on disk.</summary>
    public ModelMetadata? Metadata { get; init; }

    /// <summary><c>GET /models/{name}</c>: the manifest's <c>backends</c> section, each backend's executable and default arguments.</summary>
    public IReadOnlyDictionary<string, BackendSettings>? BackendSettings { get; init; }

    /// <summary>Fields the manifest's author added that Lamina does not interpret, shown as written.</summary>
    /// <remarks>
    /// Settable, not init-only: the source generator binds init-only members as constructor parameters, which
    /// extension data cannot be. JsonElement values, not a JsonObject: System.Text.Json writes a JsonObject
    /// extension as a nested object without a name, which is not JSON.
    /// </remarks>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? OtherFields { get; set; }

    /// <summary>The model as the manifest holds it, without what the Registry works out.</summary>
    public ManifestEntry ToManifestEntry() => new()
    {
        Path = Path,
        Backend = Backend,
        Description = Description,
        Size = Size,
        Quantization = Quantization,
        Format = Format,
        ContextLength = ContextLength,
        UseCases = UseCases,
        Tags = Tags,
        Aliases = Aliases,
        Sha256 = Sha256,
        Args = Args,
        GpuLayers = GpuLayers,
        KeepAlive = KeepAlive,
        LoadTimeout = LoadTimeout,
        Download = Download?.DeepClone().AsObject(),
        OllamaLayers = OllamaLayers,
        OtherFields = OtherFields,
    };

    /// <summary>The catalog's view of a manifest entry; the Registry adds what it works out.</summary>
    public static CatalogModel Of(string name, string backend, ManifestEntry entry, string? resolvedPath, bool available, string? reason) =>
        new(name, backend, entry.Path, resolvedPath, available, reason)
        {
            Description = entry.Description,
            Size = entry.Size,
            Quantization = entry.Quantization,
            Format = entry.Format,
            ContextLength = entry.ContextLength,
            UseCases = entry.UseCases,
            Tags = entry.Tags,
            Aliases = entry.Aliases,
            Sha256 = entry.Sha256,
            Args = entry.Args,
            GpuLayers = entry.GpuLayers,
            KeepAlive = entry.KeepAlive,
            LoadTimeout = entry.LoadTimeout,
            Download = entry.Download,
            OllamaLayers = entry.OllamaLayers,
            OtherFields = entry.OtherFields,
        };
}
