using System.Text.Json.Serialization;

namespace Lamina.Engine.Apis.Contracts;

internal sealed class ChatCompletionRequest : GenerationBody
{
    public IReadOnlyList<ChatMessage?>? Messages { get; init; }
}

internal sealed class ChatMessage
{
    public string? Role { get; init; }

    [JsonConverter(typeof(MessageContentConverter))]
    public string? Content { get; init; }
}
