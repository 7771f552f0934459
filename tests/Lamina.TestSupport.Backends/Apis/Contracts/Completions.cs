using System.Text.Json.Serialization;

namespace Lamina.TestSupport.Backends.Apis.Contracts;

internal sealed record Usage(int PromptTokens, int CompletionTokens, int TotalTokens);

internal sealed record ChatCompletion(string Id, string Object, long Created, string Model, IReadOnlyList<ChatChoice> Choices, Usage Usage);

internal sealed record ChatChoice(int Index, ChatMessage Message, string FinishReason);

internal sealed record ChatMessage(string Role, string Content);

internal sealed record ChatChunk(
    string Id,
    string Object,
    long Created,
    string Model,
    IReadOnlyList<ChatChunkChoice> Choices,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Usage? Usage = null);

internal sealed record ChatChunkChoice(int Index, ChatDelta Delta, string? FinishReason);

internal sealed record ChatDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content);

internal sealed record TextCompletion(
    string Id,
    string Object,
    long Created,
    string Model,
    IReadOnlyList<TextChoice> Choices,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Usage? Usage);

internal sealed record TextChoice(int Index, string Text, object? Logprobs, string? FinishReason);
