namespace Lamina.Shared.Contracts;

/// <summary>What a model's GGUF header says: what Ollama's show and the Runner's placement need.</summary>
public sealed record ModelMetadata
{
    public string? Architecture { get; init; }

    /// <summary>The header's <c>general.name</c>.</summary>
    public string? Name { get; init; }

    public long? ParameterCount { get; init; }

    /// <summary>The context the model was trained for.</summary>
    public int? ContextLength { get; init; }

    /// <summary>The quantization in short, such as <c>Q4_K_M</c>.</summary>
    public string? Quantization { get; init; }

    /// <summary>llama.cpp's name for the header's <c>general.file_type</c>.</summary>
    public string? FileType { get; init; }

    /// <summary>How many tensors each GGML type holds.</summary>
    public IReadOnlyDictionary<string, int>? TensorTypes { get; init; }

    public bool? HasChatTemplate { get; init; }

    /// <summary>The chat template's text; absent when the header's is too long to keep.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>Transformer layers: what llama.cpp's <c>-ngl</c> counts (plus the output layer).</summary>
    public int? BlockCount { get; init; }

    /// <summary>Weights, KV cache and compute buffers at the context asked for (the manifest's, else the model's own).</summary>
    public long? EstimatedMemoryBytes { get; init; }

    /// <summary>The context <see cref="EstimatedMemoryBytes"/> was computed for.</summary>
    public int? EstimatedContextLength { get; init; }
}
