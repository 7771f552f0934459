using System.Collections.Frozen;
using Lamina.Engine.Loading;
using LLama.Native;
using LLama.Sampling;

namespace Lamina.Engine.Generation;

/// <summary>Sampling knobs of a request; defaults are llama-server's.</summary>
internal sealed record SamplingSettings
{
    public float Temperature { get; init; } = 0.8f;
    public float TopP { get; init; } = 0.95f;
    public int TopK { get; init; } = 40;
    public float MinP { get; init; } = 0.05f;
    public float FrequencyPenalty { get; init; }
    public float PresencePenalty { get; init; }

    /// <summary>Null draws a random seed, as llama-server does for seed -1.</summary>
    public uint? Seed { get; init; }

    /// <summary>llama-server's extension: keep generating through end-of-generation tokens.</summary>
    public bool IgnoreEos { get; init; }

    public DefaultSamplingPipeline CreatePipeline(LoadedModel model)
    {
        var pipeline = new DefaultSamplingPipeline
        {
            Temperature = Temperature,
            TopP = TopP,
            TopK = TopK,
            MinP = MinP,
            FrequencyPenalty = FrequencyPenalty,
            PresencePenalty = PresencePenalty,
            LogitBias = IgnoreEos ? model.SuppressEndOfGeneration : FrozenDictionary<LLamaToken, float>.Empty,
        };
        if (Seed is { } seed)
            pipeline.Seed = seed;
        return pipeline;
    }
}
