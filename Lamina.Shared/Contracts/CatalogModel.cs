using System.Text.Json.Serialization;

namespace Lamina.Shared.Contracts;

/// <summary>What the Registry tells other services about one model: where it is, whether it can run, and how to run it.</summary>
public sealed record CatalogModel(
    string Name,
    string Backend,
    string? Path,
    string? ResolvedPath,
    bool Available,
    string? Reason)
{
    /// <summary><c>verifying</c>, <c>verified</c> or <c>mismatch</c> when the manifest declares the file's sha256; else null.</summary>
    public string? Checksum { get; init; }

    /// <summary>The manifest's <c>keep_alive</c> as written (<c>5m</c>, <c>-1</c>...); null leaves it to the Runner's default.</summary>
    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? KeepAlive { get; init; }

    /// <summary><c>gguf</c>, <c>safetensors</c> or <c>mlc</c>, as written or inferred.</summary>
    public string? Format { get; init; }

    /// <summary>The manifest's <c>context_length</c>: the context the model runs with unless a start asks for another.</summary>
    public int? ContextLength { get; init; }

    /// <summary>The manifest's extra backend arguments, after the backend's <c>default_args</c>.</summary>
    [JsonConverter(typeof(TextListConverter))]
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>The manifest's <c>use_cases</c>: a model whose only one is <c>embeddings</c> is started to embed, not to generate.</summary>
    [JsonConverter(typeof(TextListConverter))]
    public IReadOnlyList<string>? UseCases { get; init; }

    /// <summary>The manifest's <c>gpu_layers</c>: 0 for none, -1 for all; null lets the Runner decide by free memory.</summary>
    public int? GpuLayers { get; init; }

    /// <summary>The manifest's <c>load_timeout</c> as written; null leaves it to <c>Lamina:Runner:LoadTimeout</c>.</summary>
    [JsonConverter(typeof(TextOrNumberConverter))]
    public string? LoadTimeout { get; init; }

    /// <summary>Bytes of the model's files on disk (the file, or every file of its folder).</summary>
    public long? SizeBytes { get; init; }

    /// <summary>What the GGUF header says, for GGUF models that are on disk.</summary>
    public ModelMetadata? Metadata { get; init; }

    /// <summary>The manifest's <c>backends</c> section: each backend's executable and default arguments.</summary>
    public IReadOnlyDictionary<string, BackendSettings>? BackendSettings { get; init; }
}

/// <summary>The facts of a GGUF header the Runner needs to place a model.</summary>
public sealed record ModelMetadata
{
    /// <summary>The context the model was trained for.</summary>
    public int? ContextLength { get; init; }

    /// <summary>Transformer layers: what llama.cpp's <c>-ngl</c> counts (plus the output layer).</summary>
    public int? BlockCount { get; init; }

    /// <summary>Weights, KV cache and compute buffers at the context asked for (the manifest's, else the model's own).</summary>
    public long? EstimatedMemoryBytes { get; init; }

    /// <summary>The context <see cref="EstimatedMemoryBytes"/> was computed for.</summary>
    public int? EstimatedContextLength { get; init; }
}

/// <summary>One entry of the manifest's <c>backends</c> section.</summary>
public sealed record BackendSettings
{
    /// <summary>The program: a path, or a name looked up on PATH.</summary>
    public string? Executable { get; init; }

    [JsonConverter(typeof(TextListConverter))]
    public IReadOnlyList<string>? DefaultArgs { get; init; }
}
