using System.Diagnostics;
using System.Globalization;
using Lamina.Engine.Loading;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Lamina.Engine.Embeddings;

/// <summary>
/// Turns token lists into pooled, L2-normalized vectors as llama-server's /v1/embeddings does. It
/// runs in a context of its own on the loaded weights: a generation context has no pooling and
/// would lose its cache, and llama.cpp runs several contexts of one model side by side.
/// </summary>
internal sealed class Embedder(EngineOptions options, ModelHost host, ILogger<Embedder> logger) : IAsyncDisposable
{
    private static readonly TimeSpan _drainTimeout = TimeSpan.FromSeconds(5);

    // One decode at a time in the one context; more requests queue here, first come, first served.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LLamaBatch _batch = new();
    private LLamaContext? _context;

    public async Task<float[][]> EmbedAsync(IReadOnlyList<LLamaToken[]> inputs, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var started = Stopwatch.GetTimestamp();
            // Made on first use: an engine that only generates pays no memory for it.
            var context = _context ??= CreateContext(host.Model);
            var vectors = new float[inputs.Count][];
            for (var i = 0; i < inputs.Count; i++)
                vectors[i] = await EmbedAsync(context, inputs[i], cancellationToken);

            logger.EmbeddingsFinished(inputs.Count, inputs.Sum(t => t.Length), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return vectors;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<float[]> EmbedAsync(LLamaContext context, LLamaToken[] tokens, CancellationToken cancellationToken)
    {
        // Each input alone in an empty cache: the same text always gives the same vector.
        context.NativeHandle.MemoryClear(true);
        _batch.Clear();
        for (var i = 0; i < tokens.Length; i++)
            _batch.Add(tokens[i], i, LLamaSeqId.Zero, true);
        var result = await context.DecodeAsync(_batch, cancellationToken);
        if (result != DecodeResult.Ok)
            throw new InvalidOperationException($"llama_decode failed: {result}");

        var vector = context.NativeHandle.GetEmbeddingsSeq(LLamaSeqId.Zero).ToArray();
        Normalize(vector);
        return vector;
    }

    private LLamaContext CreateContext(LoadedModel model)
    {
        var pooling = PoolingOf(model.Weights);
        // The whole input goes in one batch and one micro-batch: llama.cpp pools a sequence only
        // when it is not split, so the batch is as large as the longest input allowed.
        var parameters = new ModelParams(options.ModelPath)
        {
            ContextSize = model.ContextSize,
            BatchSize = model.ContextSize,
            UBatchSize = model.ContextSize,
            Threads = options.Threads,
            BatchThreads = options.Threads,
            GpuLayerCount = 0,
            Embeddings = true,
            PoolingType = pooling,
        };
        var context = model.Weights.CreateContext(parameters, logger);
        logger.EmbeddingContextCreated(context.ContextSize, context.NativeHandle.PoolingType.ToString());
        return context;
    }

    // llama-server pools as the model says; a model that says nothing (or "none", which gives a
    // vector per token, not per input) is pooled by the mean, as OpenAI's shape needs one vector.
    private static LLamaPoolingType PoolingOf(LLamaWeights weights)
    {
        var metadata = weights.Metadata;
        return metadata.TryGetValue("general.architecture", out var architecture)
            && metadata.TryGetValue($"{architecture}.pooling_type", out var declared)
            && int.TryParse(declared, NumberStyles.Integer, CultureInfo.InvariantCulture, out var type)
            && Enum.IsDefined((LLamaPoolingType)type)
            && (LLamaPoolingType)type is not (LLamaPoolingType.None or LLamaPoolingType.Rank)
                ? LLamaPoolingType.Unspecified
                : LLamaPoolingType.Mean;
    }

    /// <summary>Euclidean normalization, as llama-server's common_embd_normalize(..., 2); a zero vector stays zero.</summary>
    internal static void Normalize(Span<float> vector)
    {
        var sum = 0.0;
        foreach (var x in vector)
            sum += (double)x * x;
        if (sum <= 0)
            return;

        var scale = (float)(1.0 / Math.Sqrt(sum));
        foreach (ref var x in vector)
            x *= scale;
    }

    // A context freed under a running decode would crash the process: wait for the one in
    // flight, and leave it to process exit if it does not end in time.
    public async ValueTask DisposeAsync()
    {
        if (!await _gate.WaitAsync(_drainTimeout))
            return;
        _context?.Dispose();
        _context = null;
    }
}
