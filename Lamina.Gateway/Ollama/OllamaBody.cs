using System.Text.Json;
using Lamina.Shared.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Lamina.Shared.Manifest;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Gateway.Ollama;

/// <summary>Reads an Ollama request body, refusing one that is not what the route takes with the field at fault.</summary>
public static class OllamaBody
{
    /// <summary>The body as <typeparamref name="T"/>, or the 400 or 413 that says what is wrong with it.</summary>
    public static async Task<(T? Body, JsonHttpResult<OllamaError>? Invalid)> ReadAsync<T>(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        // A chunked body has no length to check first: Kestrel stops reading it at the limit instead.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
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
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
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

    private static JsonHttpResult<OllamaError> TooLarge(long maxBytes) =>
        OllamaError.Result(StatusCodes.Status413PayloadTooLarge, $"the request body is over {maxBytes} bytes (Lamina:Gateway:MaxBodyBytes)");

    /// <summary>Whether a keep_alive unloads the model once its response is sent.</summary>
    public static bool Unloads(string? keepAlive) =>
        keepAlive is not null && KeepAliveDuration.TryParse(keepAlive, out var duration) && duration == TimeSpan.Zero;
}
