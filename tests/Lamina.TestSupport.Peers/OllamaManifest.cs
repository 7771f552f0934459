using System.Text.Json.Serialization;

namespace Lamina.TestSupport.Peers;

/// <summary>An image manifest as registry.ollama.ai serves it (Docker schema 2).</summary>
internal sealed record OllamaManifest(OllamaLayer Config, IReadOnlyList<OllamaLayer> Layers)
{
    public const string ContentType = "application/vnd.docker.distribution.manifest.v2+json";

    [JsonPropertyOrder(-2)]
    public int SchemaVersion => 2;

    [JsonPropertyOrder(-1)]
    public string MediaType => ContentType;
}
