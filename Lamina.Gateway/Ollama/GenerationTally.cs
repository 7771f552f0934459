using System.Text;

namespace Lamina.Gateway.Ollama;

/// <summary>What a generation produced and how long each part took, for Ollama's last line.</summary>
public sealed class GenerationTally(TimeProvider time, long started, TimeSpan load)
{
    private readonly long _sent = time.GetTimestamp();
    private long? _firstToken;
    private int _pieces;
    private int? _promptTokens;
    private int? _completionTokens;
    private string? _finishReason;

    public StringBuilder Text { get; } = new();

    public StringBuilder Thinking { get; } = new();

    public ToolCallDeltas ToolCalls { get; } = new();

    public void Add(CompletionPiece piece)
    {
        if (!string.IsNullOrEmpty(piece.Text) || !string.IsNullOrEmpty(piece.Thinking) || piece.ToolCalls is not null)
        {
            _firstToken ??= time.GetTimestamp();
            _pieces++;
            Text.Append(piece.Text);
            Thinking.Append(piece.Thinking);
        }

        if (piece.ToolCalls is { } calls)
        {
            ToolCalls.Add(calls);
        }

        _finishReason = piece.FinishReason ?? _finishReason;
        _promptTokens = piece.PromptTokens ?? _promptTokens;
        _completionTokens = piece.CompletionTokens ?? _completionTokens;
    }

    /// <summary>The last line: why it ended, the backend's token counts (else the pieces counted) and the durations in nanoseconds.</summary>
    public OllamaReply Finish(OllamaReply last)
    {
        var now = time.GetTimestamp();
        var firstToken = _firstToken ?? now;
        return last with
        {
            Done = true,
            DoneReason = _finishReason == "length" ? "length" : "stop",
            TotalDuration = Nanoseconds(time.GetElapsedTime(started, now)),
            LoadDuration = Nanoseconds(load),
            PromptEvalCount = _promptTokens ?? 0,
            PromptEvalDuration = Nanoseconds(time.GetElapsedTime(_sent, firstToken)),
            EvalCount = _completionTokens ?? _pieces,
            EvalDuration = Nanoseconds(time.GetElapsedTime(firstToken, now)),
        };
    }

    public static long Nanoseconds(TimeSpan span) => span.Ticks * 100;
}
