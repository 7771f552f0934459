using LLama.Native;

namespace Lamina.Engine.Generation;

/// <summary>A prompt that fits the context, and how much and how to generate after it.</summary>
internal sealed record GenerationRequest(
    LLamaToken[] Prompt,
    int MaxTokens,
    IReadOnlyList<string> Stop,
    SamplingSettings Sampling);
