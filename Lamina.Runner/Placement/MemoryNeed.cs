using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;

namespace Lamina.Runner.Placement;

/// <summary>What a model needs to run: bytes in all, and in how many layers they come, for llama.cpp's partial offload.</summary>
public sealed record MemoryNeed(long Bytes, int? Layers, string Basis)
{
    /// <summary>Weights of formats without a header to estimate from carry this much more for activations and cache.</summary>
    public const double WeightsOverhead = 1.2;

    /// <summary>The GGUF estimate when the Registry read the header, else the files' size with room for activations.</summary>
    public static MemoryNeed Of(CatalogModel model, int? contextLength)
    {
        if (model.Metadata is { EstimatedMemoryBytes: { } estimate } metadata)
        {
            var context = metadata.EstimatedContextLength ?? contextLength;
            // llama.cpp's -ngl counts the output layer as one more.
            return new MemoryNeed(estimate, metadata.BlockCount + 1, $"weights, KV cache and buffers at {context} tokens of context");
        }

        var size = model.SizeBytes ?? 0;
        return new MemoryNeed((long)(size * WeightsOverhead), null, $"its files ({ByteSize.Format(size)}) and a fifth more for activations and cache");
    }
}
