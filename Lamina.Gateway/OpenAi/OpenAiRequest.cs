using System.Text.Json;
using Lamina.Shared.Manifest;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Gateway.OpenAi;

/// <summary>What the gateway needs from an OpenAI request body before any backend sees it: the model, streaming, keep_alive; the rest as its route needs it.</summary>
public sealed record OpenAiRequest(string Model, bool Stream, string? KeepAlive)
{
    /// <summary>The request, or the 400/413 that says what is wrong with its body; the body stays buffered for forwarding.</summary>
    public static async Task<(OpenAiRequest? Request, JsonHttpResult<OpenAiError>? Invalid)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (Limit(request, maxBytes) is { } tooLarge)
        {
            return (null, tooLarge);
        }

        request.EnableBuffering(bufferThreshold: 64 * 1024);
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            request.Body.Position = 0;
            var root = body.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, BadRequest("the body must be a JSON object", null));
            }

            if (!(root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String && model.GetString() is { Length: > 0 } name))
            {
                return (null, BadRequest("'model' is required: the name of a model from GET /v1/models", "model"));
            }

            if (OpenAiBodyRules.Check(request.Path.Value ?? "", root) is { } broken)
            {
                return (null, BadRequest(broken.Message, broken.Field));
            }

            var stream = root.TryGetProperty("stream", out var streaming) && streaming.ValueKind == JsonValueKind.True;
            if (!root.TryGetProperty("keep_alive", out var keepAlive) || keepAlive.ValueKind == JsonValueKind.Null)
            {
                return (new OpenAiRequest(name, stream, null), null);
            }

            var text = keepAlive.ValueKind is JsonValueKind.String or JsonValueKind.Number ? keepAlive.ToString() : null;
            return text is not null && KeepAliveDuration.TryParse(text, out _)
                ? (new OpenAiRequest(name, stream, text), null)
                : (null, BadRequest($"'keep_alive' is {keepAlive.GetRawText()}; write a duration such as \"5m\" or \"30s\", seconds, 0 to unload after this request, or -1 to keep the model loaded", "keep_alive"));
        }
        catch (JsonException e)
        {
            return (null, BadRequest($"the body is not valid JSON: {e.Message}", null));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
        }
    }

    /// <summary>
    /// The 413 for a body whose length says it is over <paramref name="maxBytes"/>; otherwise null, with Kestrel set to stop
    /// reading at the limit a body without a length (chunked), which then throws a 413 <see cref="BadHttpRequestException"/>.
    /// </summary>
    public static JsonHttpResult<OpenAiError>? Limit(HttpRequest request, long maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        return null;
    }

    public static JsonHttpResult<OpenAiError> TooLarge(long maxBytes) =>
        OpenAiError.Result(StatusCodes.Status413PayloadTooLarge, $"the request body is over {maxBytes} bytes (Lamina:Gateway:MaxBodyBytes)", "request_too_large");

    private static JsonHttpResult<OpenAiError> BadRequest(string message, string? param) =>
        OpenAiError.Result(StatusCodes.Status400BadRequest, message, "invalid_request", param);
}
