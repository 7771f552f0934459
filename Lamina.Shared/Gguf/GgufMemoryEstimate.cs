namespace Lamina.Shared.Gguf;

/// <summary>
/// Memory to serve a model: its weights, the KV cache for <see cref="Parallel"/> sequences of
/// <see cref="ContextLength"/> tokens, llama.cpp's compute buffer and a margin. An estimate to
/// decide whether a model fits before starting it, not an accounting; sums saturate at long.MaxValue.
/// </summary>
public sealed record GgufMemoryEstimate(
    int ContextLength, int Parallel, long WeightsBytes, long KvCacheBytes, long ComputeBufferBytes, long MarginBytes)
{
    /// <summary>The context used when neither the caller nor the model gives one.</summary>
    public const int DefaultContextLength = 4096;

    /// <summary>Bytes per cached K or V element: llama.cpp caches f16 unless told otherwise.</summary>
    public const int KvBytesPerElement = 2;

    /// <summary>llama.cpp's default micro-batch (n_ubatch): its compute buffer grows with it.</summary>
    public const int MicroBatch = 512;

    /// <summary>Margin on weights, cache and compute buffer together, for allocator slack and the small buffers left out.</summary>
    public const int MarginPercent = 10;

    /// <summary>Margin for the runtime itself (the backend's code, threads and host-side buffers).</summary>
    public const long FixedOverheadBytes = 32L << 20;

    public long TotalBytes => Add(Add(WeightsBytes, KvCacheBytes), Add(ComputeBufferBytes, MarginBytes));

    internal static GgufMemoryEstimate For(GgufModelInfo model, int? contextLength, int parallel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallel, 1);
        if (contextLength is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(contextLength), contextLength, "The context length must be at least 1.");
        }

        var context = contextLength ?? (model.ContextLength is > 0 and var own ? own : DefaultContextLength);

        // Tensors of a type this reader cannot size: the data section's length bounds them from above.
        var weights = model.HasUnknownTensorTypes ? Math.Max(model.TensorBytes, model.FileLength - model.DataOffset) : model.TensorBytes;

        // KV cache: K and V, per layer, per cell, head_count_kv heads of embedding / head_count each.
        // Without head counts, assume plain multi-head attention: one embedding-wide row each.
        long embedding = model.EmbeddingLength ?? 0;
        long heads = model.HeadCount ?? 0;
        var kvWidth = heads > 0 ? (model.HeadCountKv ?? heads) * (embedding / heads) : embedding;
        var cells = (long)context * parallel;
        var kvCache = Multiply(Multiply(2L * KvBytesPerElement * (model.BlockCount ?? 0), cells), kvWidth);

        // Compute buffer (f32): the larger of one micro-batch's attention scores over every cell
        // with its activations, and its logits over the vocabulary.
        var batch = Math.Min(MicroBatch, cells);
        var attention = Add(1 + 4 * embedding, Multiply(cells, 1 + heads));
        var logits = embedding + (model.VocabularySize ?? 0);
        var compute = Multiply(4 * batch, Math.Max(attention, logits));

        var margin = Add(Multiply(Add(Add(weights, kvCache), compute), MarginPercent) / 100, FixedOverheadBytes);
        return new GgufMemoryEstimate(context, parallel, weights, kvCache, compute, margin);
    }

    private static long Multiply(long a, long b) => a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;

    private static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
