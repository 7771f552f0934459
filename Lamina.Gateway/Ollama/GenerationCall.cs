using System.Text.Json.Nodes;

namespace Lamina.Gateway.Ollama;

/// <summary>
/// What a chat or generate asks of a backend: the model as the client named it, the OpenAI route,
/// and the body for the model id the backend answers to.
/// </summary>
public sealed record GenerationCall(
    string Requested, bool IsChat, bool Stream, string? KeepAlive, int? ContextLength, string Path, Func<string, JsonObject> Body)
{
    /// <summary>
    /// A line of the response carrying <paramref name="text"/>, its <paramref name="thinking"/> (a chat's in its message, a
    /// generate's beside its response) and a chat's tool calls, in the shape of a chat or of a generate.
    /// </summary>
    public OllamaReply Line(DateTime now, string text, string? thinking = null, IReadOnlyList<OllamaToolCall>? toolCalls = null) => IsChat
        ? new OllamaReply(Requested, now, new OllamaMessage("assistant", text, string.IsNullOrEmpty(thinking) ? null : thinking)
        {
            ToolCalls = toolCalls is { Count: > 0 } ? toolCalls : null,
        }, null, false)
        : new OllamaReply(Requested, now, null, text, false) { Thinking = string.IsNullOrEmpty(thinking) ? null : thinking };
}
