using System.Text.Json;
using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Gateway.Ollama;

/// <summary>Reads an Ollama request body, refusing one that is not what the route takes with the field at fault.</summary>
public static class OllamaBody
{
    private const int MaxBodyBytes = 8 * 1024 * 1024;

    public static async Task<(T? Body, JsonHttpResult<OllamaError>? Invalid)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, OllamaError.Result(StatusCodes.Status413PayloadTooLarge, $"the request body is over {MaxBodyBytes} bytes"));
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, LaminaJson.Options, cancellationToken);
            return body is null ? (null, OllamaError.BadRequest("missing request body")) : (body, null);
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 2 } path ? $" at '{path[2..]}'" : "";
            return (null, OllamaError.BadRequest($"invalid request body{field}: {e.Message}"));
        }
    }

    /// <summary>Ollama's <c>keep_alive</c> as text (<c>"5m"</c>, <c>"300"</c>, <c>"0"</c>, <c>"-1"</c>), or why it is refused.</summary>
    public static (string? KeepAlive, JsonHttpResult<OllamaError>? Invalid) KeepAlive(JsonElement? value)
    {
        if (value is not { } given || given.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        var text = given.ValueKind is JsonValueKind.String or JsonValueKind.Number ? given.ToString() : null;
        return text is not null && KeepAliveDuration.TryParse(text, out _)
            ? (text, null)
            : (null, OllamaError.BadRequest($"keep_alive is {given.GetRawText()}; write a duration such as \"5m\", seconds, 0 to unload after the request, or -1 to keep the model loaded"));
    }

    /// <summary>Whether a keep_alive unloads the model once the request is answered.</summary>
    public static bool Unloads(string? keepAlive) =>
        keepAlive is not null && KeepAliveDuration.TryParse(keepAlive, out var duration) && duration == TimeSpan.Zero;
}
