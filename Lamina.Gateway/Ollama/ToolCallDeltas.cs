using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lamina.Gateway.Ollama;

/// <summary>
/// The tool calls of an OpenAI response, put together from the pieces a stream sends them in (by index: the
/// id and name first, then the arguments in bits of text that are JSON only once whole), for Ollama's
/// <c>message.tool_calls</c>, whose arguments are a JSON object.
/// </summary>
public sealed class ToolCallDeltas
{
    private readonly SortedDictionary<int, Call> _calls = [];

    /// <summary>A chunk's <c>tool_calls</c>: deltas of a stream, or a whole response's calls (which have no index).</summary>
    public void Add(JsonArray deltas)
    {
        foreach (var delta in deltas.OfType<JsonObject>())
        {
            var index = delta["index"] is JsonValue value && value.TryGetValue<int>(out var given) ? given : _calls.Count;
            var call = _calls.TryGetValue(index, out var known) ? known : _calls[index] = new Call();
            call.Id ??= Text(delta["id"]);
            call.Name ??= Text(delta["function"]?["name"]);
            call.Arguments.Append(Text(delta["function"]?["arguments"]));
        }
    }

    /// <summary>The calls gathered so far, which it then forgets; arguments that are not a JSON object are the backend's fault.</summary>
    public IReadOnlyList<OllamaToolCall> Take()
    {
        var calls = _calls.Select(pair => new OllamaToolCall(new OllamaToolFunction(pair.Value.Name, Arguments(pair.Value)) { Index = pair.Key }) { Id = pair.Value.Id }).ToList();
        _calls.Clear();
        return calls;
    }

    private static JsonObject Arguments(Call call)
    {
        var text = call.Arguments.ToString();
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        try
        {
            if (JsonNode.Parse(text) is JsonObject arguments)
            {
                return arguments;
            }
        }
        catch (JsonException)
        {
            // Said below, with the text.
        }

        throw new BackendStreamException($"the backend called tool '{call.Name}' with arguments that are not a JSON object: {text}");
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private sealed class Call
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
