namespace Lamina.Gateway.Ollama;

/// <summary>
/// One line of a chat or generate response (the whole response when not streamed): a chat carries
/// <c>message</c>, a generate <c>response</c>; the last line has <c>done: true</c>, why it ended and
/// Ollama's counts and durations (nanoseconds).
/// </summary>
public sealed record OllamaReply(string Model, DateTime CreatedAt, OllamaMessage? Message, string? Response, bool Done)
{
    /// <summary>A generate's thinking, beside its response (a chat's is in its message).</summary>
    public string? Thinking { get; init; }

    public string? DoneReason { get; init; }

    public long? TotalDuration { get; init; }

    public long? LoadDuration { get; init; }

    public int? PromptEvalCount { get; init; }

    public long? PromptEvalDuration { get; init; }

    public int? EvalCount { get; init; }

    public long? EvalDuration { get; init; }
}
