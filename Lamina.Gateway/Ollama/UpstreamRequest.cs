using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lamina.Gateway.Ollama;

/// <summary>Ollama's generation settings as the OpenAI request every Lamina backend takes.</summary>
public static class UpstreamRequest
{
    public const string ChatPath = "/v1/chat/completions";
    public const string CompletionsPath = "/v1/completions";

    // Ollama's option, and the OpenAI field that means the same.
    private static readonly (string Option, string Field)[] _sampling =
    [
        ("num_predict", "max_tokens"),
        ("temperature", "temperature"),
        ("top_p", "top_p"),
        ("top_k", "top_k"),
        ("min_p", "min_p"),
        ("seed", "seed"),
        ("stop", "stop"),
        ("presence_penalty", "presence_penalty"),
        ("frequency_penalty", "frequency_penalty"),
        ("repeat_penalty", "repeat_penalty"),
    ];

    public static JsonObject Chat(
        string model, IEnumerable<OllamaMessage> messages, JsonObject? options, JsonElement? format, JsonArray? tools = null, JsonObject? thinking = null)
    {
        var body = Base(model, options, format);
        body["messages"] = OpenAiMessages.From(messages);
        if (tools is { Count: > 0 })
        {
            // Ollama's tools are OpenAI's, field for field.
            body["tools"] = tools.DeepClone();
        }

        foreach (var (field, value) in thinking ?? [])
        {
            body[field] = value?.DeepClone();
        }

        return body;
    }

    /// <summary>
    /// Ollama's <c>think</c> as the fields a backend reads, or why it is refused: true or false turns the chat
    /// template's thinking on or off (<c>chat_template_kwargs.enable_thinking</c>, which llama-server and vLLM hand to
    /// templates such as Qwen3's); an effort sets <c>reasoning_effort</c>, there and in the request (gpt-oss). Null:
    /// the model's own default. Templates that read neither think as they always do.
    /// </summary>
    public static (JsonObject? Fields, string? Problem) Thinking(JsonElement? think) => think switch
    {
        null or { ValueKind: JsonValueKind.Null } => (null, null),
        { ValueKind: JsonValueKind.True or JsonValueKind.False } on =>
            (new JsonObject { ["chat_template_kwargs"] = new JsonObject { ["enable_thinking"] = on.GetBoolean() } }, null),
        { ValueKind: JsonValueKind.String } level when level.GetString() is "low" or "medium" or "high" => (new JsonObject
        {
            ["reasoning_effort"] = level.GetString(),
            ["chat_template_kwargs"] = new JsonObject { ["reasoning_effort"] = level.GetString() },
        }, null),
        { } other => (null, $"think is {other.GetRawText()}; give true, false, or an effort: \"low\", \"medium\" or \"high\""),
    };

    public static JsonObject Completion(string model, string prompt, JsonObject? options, JsonElement? format)
    {
        var body = Base(model, options, format);
        body["prompt"] = prompt;
        return body;
    }

    /// <summary><c>options.num_ctx</c>: the context length the model must run with, or why it is refused.</summary>
    public static (int? ContextLength, string? Problem) ContextLength(JsonObject? options) =>
        options?["num_ctx"] switch
        {
            null => (null, null),
            JsonValue value when value.TryGetValue<int>(out var tokens) && tokens > 0 => (tokens, null),
            JsonValue value when value.TryGetValue<double>(out var tokens) && tokens > 0 && tokens <= int.MaxValue && tokens == Math.Floor(tokens) => ((int)tokens, null),
            var other => (null, $"options.num_ctx is {other.ToJsonString()}; give a number of tokens of at least 1"),
        };

    private static JsonObject Base(string model, JsonObject? options, JsonElement? format)
    {
        // Always streamed from the backend, with usage at the end: the gateway responds either way from it.
        var body = new JsonObject
        {
            ["model"] = model,
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
        };
        foreach (var (option, field) in _sampling)
        {
            if (options?[option] is { } value && value.GetValueKind() != JsonValueKind.Null)
            {
                // Ollama's num_predict of -1 means "no limit": the backend's own.
                if (option != "num_predict" || value.GetValueKind() != JsonValueKind.Number || value.GetValue<double>() >= 0)
                {
                    body[field] = value.DeepClone();
                }
            }
        }

        if (ResponseFormat(format) is { } responseFormat)
        {
            body["response_format"] = responseFormat;
        }

        return body;
    }

    /// <summary><c>format: "json"</c> as a JSON object response; a schema as a structured one.</summary>
    private static JsonObject? ResponseFormat(JsonElement? format) => format switch
    {
        { ValueKind: JsonValueKind.String } text when text.GetString() == "json" => new JsonObject { ["type"] = "json_object" },
        { ValueKind: JsonValueKind.Object } schema => new JsonObject
        {
            ["type"] = "json_schema",
            ["json_schema"] = new JsonObject { ["name"] = "response", ["schema"] = JsonNode.Parse(schema.GetRawText()) },
        },
        _ => null,
    };
}
