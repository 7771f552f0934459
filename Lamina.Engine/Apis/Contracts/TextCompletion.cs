using System.Text.Json.Serialization;

namespace Lamina.Engine.Apis.Contracts;

/// <summary>OpenAI's text_completion object; streamed chunks have the same shape.</summary>
internal sealed record TextCompletion(
    string Id,
    string Object,
    long Created,
    string Model,
    IReadOnlyList<TextChoice> Choices,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Usage? Usage);

internal sealed record TextChoice(string Text, int Index, object? Logprobs, string? FinishReason);
