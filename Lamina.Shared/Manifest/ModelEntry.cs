using System.Text.Json.Nodes;

namespace Lamina.Shared.Manifest;

/// <summary>
/// One model of the manifest. <see cref="Raw"/> keeps every field the file gave, so responses
/// show what the user wrote, including fields Lamina does not interpret yet; the typed
/// properties are the fields Lamina does interpret, already checked by the validator.
/// </summary>
public sealed record ModelEntry(string Name, string? Path, string Backend, JsonObject Raw)
{
    public string? Description => Text(Raw["description"]);

    public string? HuggingFaceRepo => Text(Raw["download"]?["huggingface"]?["repo_id"]);

    public string? OllamaModel => Text(Raw["download"]?["ollama"]?["model"]);

    /// <summary>What the model is good for (<c>conversational</c>, <c>code</c>, <c>embeddings</c>...), as the defaults' keys.</summary>
    public IReadOnlyList<string> UseCases { get; init; } = [];

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Other names that resolve to this model, e.g. its Ollama name.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The longest context the model supports, in tokens; null when the manifest does not say.</summary>
    public int? ContextLength { get; init; }

    /// <summary>The expected SHA-256 of the model's file, lowercase hex.</summary>
    public string? Sha256 { get; init; }

    /// <summary><c>gguf</c>, <c>safetensors</c> or <c>mlc</c>: the manifest's <c>format</c>, else inferred (see <see cref="ModelFormats.Infer"/>).</summary>
    public string Format
    {
        get => field ?? ModelFormats.Infer(Name, Path, Backend);
        init;
    }

    /// <summary>Extra arguments for the backend, after its <c>default_args</c>.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Layers to offload to the GPU: 0 for none, -1 for all; null leaves it to the backend.</summary>
    public int? GpuLayers { get; init; }

    /// <summary>How long the model stays loaded when idle: zero unloads at once, <see cref="KeepAliveDuration.Forever"/> never.</summary>
    public TimeSpan? KeepAlive { get; init; }

    /// <summary>How long the model may take from start to ready, over <c>Lamina:Runner:LoadTimeout</c>; large models on vLLM take minutes.</summary>
    public TimeSpan? LoadTimeout { get; init; }

    // A field that is not text in the file (a number, a mapping) reads as absent rather than throwing.
    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
