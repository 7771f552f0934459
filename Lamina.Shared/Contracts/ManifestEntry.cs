using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Lamina.Shared.Contracts;

/// <summary>
/// One model's entry as <c>models.yaml</c> holds it: the fields <c>models.schema.json</c> describes, and
/// any other field its author wrote. It is what <c>PUT /models/{name}</c> takes; nothing the Registry
/// works out (availability, sizes, live state) belongs here.
/// </summary>
public sealed record ManifestEntry
{
    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? Path { get; init; }

    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? Backend { get; init; }

    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? Description { get; init; }

    /// <summary>Download size as written, such as <c>4.7GB</c>.</summary>
    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? Size { get; init; }

    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? Quantization { get; init; }

    /// <summary><c>gguf</c>, <c>safetensors</c> or <c>mlc</c>.</summary>
    public string? Format { get; init; }

    public int? ContextLength { get; init; }

    [JsonConverter(typeof(TextListConverter))]
    public IReadOnlyList<string>? UseCases { get; init; }

    [JsonConverter(typeof(TextListConverter))]
    public IReadOnlyList<string>? Tags { get; init; }

    [JsonConverter(typeof(TextListConverter))]
    public IReadOnlyList<string>? Aliases { get; init; }

    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? Sha256 { get; init; }

    [JsonConverter(typeof(TextListConverter))]
    public IReadOnlyList<string>? Args { get; init; }

    public int? GpuLayers { get; init; }

    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? KeepAlive { get; init; }

    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? LoadTimeout { get; init; }

    /// <summary>The sources to fetch the model from (<c>huggingface</c>, <c>ollama</c>, <c>url</c>, <c>local</c>), each with its own settings.</summary>
    public JsonObject? Download { get; init; }

    /// <summary>The layers of an Ollama pull kept beside the model (<c>template</c>, <c>system</c>, <c>params</c>...), by kind: their paths.</summary>
    public IReadOnlyDictionary<string, string>? OllamaLayers { get; init; }

    /// <summary>Fields the author added that Lamina does not interpret; the schema allows them and Lamina keeps them.</summary>
    /// <remarks>
    /// Settable, not init-only: the source generator binds init-only members as constructor parameters, which
    /// extension data cannot be. JsonElement values, not a JsonObject: System.Text.Json writes a JsonObject
    /// extension as a nested object without a name, which is not JSON.
    /// </remarks>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? OtherFields { get; set; }
}
