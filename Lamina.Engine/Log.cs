namespace Lamina.Engine;

/// <summary>The engine's log lines, source-generated so a token loop pays nothing when a level is off.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "server is listening on {Url}; loading model {ModelPath}")]
    public static partial void Listening(this ILogger logger, string url, string modelPath);

    [LoggerMessage(2, LogLevel.Information, "model {ModelId} loaded in {ElapsedMs:F0} ms: context {ContextSize} tokens x {Slots} slots, template {Template}")]
    public static partial void ModelLoaded(this ILogger logger, string modelId, double elapsedMs, uint contextSize, int slots, string template);

    [LoggerMessage(3, LogLevel.Critical, "cannot load model {ModelPath}: {Reason}")]
    public static partial void ModelLoadFailed(this ILogger logger, string modelPath, string reason, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "llama.cpp: {Message}")]
    public static partial void NativeWarning(this ILogger logger, string message);

    [LoggerMessage(5, LogLevel.Error, "llama.cpp: {Message}")]
    public static partial void NativeError(this ILogger logger, string message);

    [LoggerMessage(6, LogLevel.Information, "{GpuLayers} GPU layers requested and ignored: this is the CPU backend")]
    public static partial void GpuLayersIgnored(this ILogger logger, int gpuLayers);

    [LoggerMessage(7, LogLevel.Debug, "request waits for a free slot ({Slots} busy)")]
    public static partial void WaitingForSlot(this ILogger logger, int slots);

    [LoggerMessage(8, LogLevel.Information, "slot {Slot}: {PromptTokens} prompt + {CompletionTokens} generated tokens in {ElapsedMs:F0} ms ({TokensPerSecond:F1} tokens/s), finish {FinishReason}")]
    public static partial void GenerationFinished(this ILogger logger, int slot, int promptTokens, int completionTokens, double elapsedMs, double tokensPerSecond, string finishReason);

    [LoggerMessage(9, LogLevel.Information, "slot {Slot}: client went away after {CompletionTokens} tokens; slot released")]
    public static partial void GenerationCancelled(this ILogger logger, int slot, int completionTokens);

    [LoggerMessage(10, LogLevel.Warning, "slot {Slot}: generation ended early after {CompletionTokens} tokens; slot released")]
    public static partial void GenerationAbandoned(this ILogger logger, int slot, int completionTokens);

    [LoggerMessage(11, LogLevel.Information, "embedding context created: {ContextSize} tokens, pooling {Pooling}")]
    public static partial void EmbeddingContextCreated(this ILogger logger, uint contextSize, string pooling);

    [LoggerMessage(12, LogLevel.Information, "embeddings: {Inputs} inputs, {Tokens} tokens in {ElapsedMs:F0} ms")]
    public static partial void EmbeddingsFinished(this ILogger logger, int inputs, int tokens, double elapsedMs);
}
