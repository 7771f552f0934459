using System.Text.Json;

namespace Lamina.Gateway.OpenAi;

/// <summary>
/// What an OpenAI request body must hold for its route, checked before any model starts: a body a backend would
/// refuse (or worse, misread) is refused here, naming the field, so a typo never costs a model load.
/// </summary>
public static class OpenAiBodyRules
{
    private static readonly string[] PositiveIntegers = ["max_tokens", "max_completion_tokens", "n"];
    private static readonly string[] Numbers = ["temperature", "top_p", "presence_penalty", "frequency_penalty"];

    /// <summary>The problem and the field it is in, or null when the body holds what <paramref name="path"/> needs.</summary>
    public static (string Message, string Field)? Check(string path, JsonElement body)
    {
        var required = path switch
        {
            "/v1/chat/completions" => Messages(body),
            "/v1/completions" => TextOrList(body, "prompt", "the text to complete"),
            "/v1/embeddings" => TextOrList(body, "input", "the text to embed"),
            _ => null,
        };
        return required ?? Optional(body);
    }

    private static (string, string)? Messages(JsonElement body)
    {
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            return ("'messages' is required: a list of at least one {\"role\": ..., \"content\": ...}", "messages");
        }

        var at = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
            {
                return ($"'messages[{at}]' needs a \"role\" (system, user, assistant or tool)", $"messages[{at}]");
            }

            at++;
        }

        return null;
    }

    private static (string, string)? TextOrList(JsonElement body, string field, string what) =>
        body.TryGetProperty(field, out var value) && (value.ValueKind == JsonValueKind.String || (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0))
            ? null
            : ($"'{field}' is required: {what}, as a string or a list", field);

    private static (string, string)? Optional(JsonElement body)
    {
        if (body.TryGetProperty("stream", out var stream) && stream.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
        {
            return ($"'stream' is {stream.GetRawText()}; write true or false", "stream");
        }

        foreach (var field in PositiveIntegers)
        {
            if (body.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null && !(value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number > 0))
            {
                return ($"'{field}' is {value.GetRawText()}; write a whole number of at least 1", field);
            }
        }

        foreach (var field in Numbers)
        {
            if (body.TryGetProperty(field, out var value) && value.ValueKind is not (JsonValueKind.Number or JsonValueKind.Null))
            {
                return ($"'{field}' is {value.GetRawText()}; write a number", field);
            }
        }

        return null;
    }
}
