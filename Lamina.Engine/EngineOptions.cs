namespace Lamina.Engine;

/// <summary>What the command line asked for; the flags are llama-server's so a Runner can start either.</summary>
public sealed record EngineOptions
{
    /// <summary>The GGUF file to serve (-m, --model).</summary>
    public required string ModelPath { get; init; }

    /// <summary>Address to bind (--host): an IP address or "localhost".</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port to bind (--port); 0 picks a free one and the log line names it.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Context size of each slot (-c, --ctx-size); 0 uses the model's trained context.</summary>
    public uint ContextSize { get; init; }

    /// <summary>Requests generated at once (-np, --parallel); more wait in a queue.</summary>
    public int Parallel { get; init; } = 1;

    /// <summary>Model id reported by the API (-a, --alias); defaults to the file name.</summary>
    public string? Alias { get; init; }

    /// <summary>When set, every request except /health needs "Authorization: Bearer KEY" (--api-key).</summary>
    public string? ApiKey { get; init; }

    /// <summary>CPU threads per generation (-t, --threads); null lets llama.cpp's binding choose.</summary>
    public int? Threads { get; init; }

    /// <summary>Layers to offload (-ngl, --n-gpu-layers): accepted for compatibility, ignored on the CPU backend.</summary>
    public int GpuLayers { get; init; }

    /// <summary>Test hook (LAMINA_ENGINE_LOAD_DELAY_MS) that keeps the loading state observable.</summary>
    public TimeSpan LoadDelay { get; init; }

    public string ModelId => Alias ?? Path.GetFileName(ModelPath);
}
