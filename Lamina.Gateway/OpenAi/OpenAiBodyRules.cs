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
    public static (string Message, string Field)? Check(string path, OpenAiBody body)
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

    private static (string, string)? Messages(OpenAiBody body)
    {
        if (!body.Has("messages", out var messages) || messages != JsonTokenType.StartArray || body.Items("messages") == 0)
        {
            return ("'messages' is required: a list of at least one {\"role\": ..., \"content\": ...}", "messages");
        }

        return body.FirstMessageWithoutRole is >= 0 and var at
            ? ($"'messages[{at}]' needs a \"role\" (system, user, assistant or tool)", $"messages[{at}]")
            : null;
    }

    private static (string, string)? TextOrList(OpenAiBody body, string field, string what) =>
        body.Has(field, out var value) && (value == JsonTokenType.String || (value == JsonTokenType.StartArray && body.Items(field) > 0))
            ? null
            : ($"'{field}' is required: {what}, as a string or a list", field);

    private static (string, string)? Optional(OpenAiBody body)
    {
        if (body.Has("stream", out var stream) && stream is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
        {
            return ($"'stream' is {body.Raw("stream")}; write true or false", "stream");
        }

        foreach (var field in PositiveIntegers)
        {
            if (body.Has(field, out var value) && value != JsonTokenType.Null && !body.IsPositiveInteger(field))
            {
                return ($"'{field}' is {body.Raw(field)}; write a whole number of at least 1", field);
            }
        }

        foreach (var field in Numbers)
        {
            if (body.Has(field, out var value) && value is not (JsonTokenType.Number or JsonTokenType.Null))
            {
                return ($"'{field}' is {body.Raw(field)}; write a number", field);
            }
        }

        return null;
    }
}
