using System.Text.Json.Serialization;

namespace Lamina.Engine.Apis.Contracts;

internal sealed record ChatCompletion(string Id, string Object, long Created, string Model, IReadOnlyList<ChatChoice> Choices, Usage Usage);

internal sealed record ChatChoice(int Index, ChatResponseMessage Message, string FinishReason);

internal sealed record ChatResponseMessage(string Role, string Content);

internal sealed record ChatCompletionChunk(
    string Id,
    string Object,
    long Created,
    string Model,
    IReadOnlyList<ChatChunkChoice> Choices,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Usage? Usage);

/// <summary>A streamed choice; finish_reason is written as null until the last chunk, as OpenAI does.</summary>
internal sealed record ChatChunkChoice(int Index, ChatDelta Delta, string? FinishReason);

internal sealed record ChatDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content);

internal sealed record Usage(int PromptTokens, int CompletionTokens, int TotalTokens)
{
    public static Usage Of(int promptTokens, int completionTokens) => new(promptTokens, completionTokens, promptTokens + completionTokens);
}
