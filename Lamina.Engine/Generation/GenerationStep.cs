namespace Lamina.Engine.Generation;

/// <summary>One piece of the response; the last one carries the finish reason.</summary>
internal readonly record struct GenerationStep(string Text, string? FinishReason, int CompletionTokens);

/// <summary>OpenAI's finish reasons the engine produces.</summary>
internal static class FinishReasons
{
    public const string Stop = "stop";
    public const string Length = "length";
}
