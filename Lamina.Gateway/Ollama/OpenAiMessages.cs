using System.Text.Json.Nodes;

namespace Lamina.Gateway.Ollama;

/// <summary>Ollama's chat messages as OpenAI's: images as content parts, tool calls with string arguments, tool answers naming their call.</summary>
public static class OpenAiMessages
{
    // The first characters of the base64 of each image format's magic bytes.
    private static readonly (string Prefix, string Type)[] _imageTypes =
    [
        ("iVBORw0KGgo", "image/png"),
        ("/9j/", "image/jpeg"),
        ("R0lGOD", "image/gif"),
        ("UklGR", "image/webp"),
        ("Qk", "image/bmp"),
    ];

    public static JsonArray From(IEnumerable<OllamaMessage> messages)
    {
        var openAi = new JsonArray();
        // The calls of the latest assistant message not answered yet: a tool answer without tool_call_id answers the first of its name.
        var open = new List<(string Id, string? Name)>();
        foreach (var message in messages)
        {
            var converted = new JsonObject { ["role"] = message.Role ?? "user", ["content"] = Content(message) };
            if (message.ToolCalls is { Count: > 0 } calls)
            {
                open.Clear();
                converted["tool_calls"] = new JsonArray([.. calls.Select((call, i) =>
                {
                    // OpenAI needs an id to tie the answer to the call; Ollama's clients often send none.
                    var id = call.Id ?? $"call_{openAi.Count}_{i}";
                    open.Add((id, call.Function?.Name));
                    return (JsonNode)new JsonObject
                    {
                        ["id"] = id,
                        ["type"] = "function",
                        ["function"] = new JsonObject
                        {
                            ["name"] = call.Function?.Name,
                            ["arguments"] = (call.Function?.Arguments ?? []).ToJsonString(),
                        },
                    };
                })]);
            }

            if (message.Role == "tool")
            {
                var answered = open.FindIndex(call => message.ToolCallId is { } id ? call.Id == id : message.ToolName is null || call.Name == message.ToolName);
                if (message.ToolName is { } name)
                {
                    converted["name"] = name;
                }

                if ((message.ToolCallId ?? (answered >= 0 ? open[answered].Id : null)) is { } callId)
                {
                    converted["tool_call_id"] = callId;
                }

                if (answered >= 0)
                {
                    open.RemoveAt(answered);
                }
            }

            openAi.Add(converted);
        }

        return openAi;
    }

    /// <summary>The text, or with images the text and each image as a data URL, as OpenAI's vision requests carry them.</summary>
    private static JsonNode Content(OllamaMessage message)
    {
        if (message.Images is not { Count: > 0 } images)
        {
            return message.Content ?? "";
        }

        var parts = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = message.Content ?? "" });
        foreach (var image in images)
        {
            var url = image.StartsWith("data:", StringComparison.Ordinal) ? image : $"data:{ImageType(image)};base64,{image}";
            parts.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } });
        }

        return parts;
    }

    // Backends decode the bytes by what they are; the type is a label strict servers check starts with image/.
    private static string ImageType(string base64) =>
        _imageTypes.FirstOrDefault(known => base64.StartsWith(known.Prefix, StringComparison.Ordinal)).Type ?? "image/jpeg";
}
