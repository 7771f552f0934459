using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lamina.Gateway.Ollama;

/// <summary>One event of a backend's OpenAI stream: new text, why it ended, or the token counts.</summary>
public sealed record CompletionPiece(string? Text, string? Thinking, string? FinishReason, int? PromptTokens, int? CompletionTokens)
{
    /// <summary>The event's <c>tool_calls</c>: pieces of calls (see <see cref="ToolCallDeltas"/>).</summary>
    public JsonArray? ToolCalls { get; init; }
}

/// <summary>Reads the server-sent events of <c>/v1/chat/completions</c> and <c>/v1/completions</c> until <c>[DONE]</c>.</summary>
public static class CompletionStream
{
    public static async IAsyncEnumerable<CompletionPiece> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            if (item.Data.Trim() == "[DONE]")
            {
                yield break;
            }

            if (Parse(item.Data) is not { } chunk)
            {
                continue;
            }

            if (chunk["error"] is { } error)
            {
                throw new BackendStreamException(error["message"]?.GetValue<string>() ?? error.ToJsonString());
            }

            var choice = chunk["choices"] is JsonArray { Count: > 0 } choices ? choices[0] : null;
            var usage = chunk["usage"] as JsonObject;
            yield return new CompletionPiece(
                Text(choice?["delta"]?["content"]) ?? Text(choice?["text"]),
                Text(choice?["delta"]?["reasoning_content"]),
                Text(choice?["finish_reason"]),
                Count(usage?["prompt_tokens"]),
                Count(usage?["completion_tokens"]))
            {
                ToolCalls = (choice?["delta"]?["tool_calls"] ?? choice?["message"]?["tool_calls"]) as JsonArray,
            };
        }
    }

    private static JsonObject? Parse(string data)
    {
        try
        {
            return JsonNode.Parse(data) as JsonObject;
        }
        catch (JsonException)
        {
            // Not an event of the protocol (a comment a server slipped in): skipped, as OpenAI's clients do.
            return null;
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static int? Count(JsonNode? node) => node is JsonValue value && value.TryGetValue<int>(out var count) ? count : null;
}

/// <summary>A backend reported an error in the middle of its stream.</summary>
public sealed class BackendStreamException(string message) : Exception(message);
