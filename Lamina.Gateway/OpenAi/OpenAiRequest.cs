using System.Text.Json;
using Lamina.Gateway.Routing;
using Lamina.Shared.Manifest;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Gateway.OpenAi;

/// <summary>
/// What the gateway needs from an OpenAI request body before any backend sees it: the model, streaming, keep_alive;
/// and the body itself, read once, which is what is forwarded.
/// </summary>
public sealed record OpenAiRequest(string Model, bool Stream, string? KeepAlive)
{
    /// <summary>The body as forwarded: as it came, or with the model id its backend answers to.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The body for <paramref name="route"/>'s backend: with the model id it answers to where that is not the name the client sent.</summary>
    public ReadOnlyMemory<byte> BodyFor(string model, RouteResult route) =>
        (route.ServedModel ?? model) is var served && served != Model ? ServedModelBody.With(Body.Span, served) : Body;

    /// <summary>The request, or the 400/413 that says what is wrong with its body.</summary>
    public static async Task<(OpenAiRequest? Request, JsonHttpResult<OpenAiError>? Invalid)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (Limit(request, maxBytes) is { } tooLarge)
        {
            return (null, tooLarge);
        }

        try
        {
            return Parse(request.Path.Value ?? "", await ReadBodyAsync(request, cancellationToken));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
        }
    }

    /// <summary>The request in <paramref name="bytes"/> for the route <paramref name="path"/>, or the 400 that says what is wrong with it.</summary>
    public static (OpenAiRequest? Request, JsonHttpResult<OpenAiError>? Invalid) Parse(string path, byte[] bytes)
    {
        OpenAiBody? body;
        try
        {
            body = OpenAiBody.Read(bytes);
        }
        catch (JsonException e)
        {
            return (null, BadRequest($"the body is not valid JSON: {e.Message}", null));
        }

        if (body is null)
        {
            return (null, BadRequest("the body must be a JSON object", null));
        }

        if (body.Model is not { Length: > 0 } name)
        {
            return (null, BadRequest("'model' is required: the name of a model from GET /v1/models", "model"));
        }

        if (OpenAiBodyRules.Check(path, body) is { } broken)
        {
            return (null, BadRequest(broken.Message, broken.Field));
        }

        if (!body.Has("keep_alive", out var keepAlive) || keepAlive == JsonTokenType.Null)
        {
            return (new OpenAiRequest(name, body.Stream, null) { Body = body.Bytes }, null);
        }

        return body.KeepAlive is { } text && KeepAliveDuration.TryParse(text, out _)
            ? (new OpenAiRequest(name, body.Stream, text) { Body = body.Bytes }, null)
            : (null, BadRequest($"'keep_alive' is {body.Raw("keep_alive")}; write a duration such as \"5m\" or \"30s\", seconds, 0 to unload after this request, or -1 to keep the model loaded", "keep_alive"));
    }

    /// <summary>The whole body: Kestrel stops a body over the limit <see cref="Limit"/> set with a 413 <see cref="BadHttpRequestException"/>.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length)
        {
            var bytes = new byte[length];
            await request.Body.ReadExactlyAsync(bytes, cancellationToken);
            return bytes;
        }

        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, cancellationToken);
        return copy.ToArray();
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

    public static JsonHttpResult<OpenAiError> BadRequest(string message, string? param) =>
        OpenAiError.Result(StatusCodes.Status400BadRequest, message, "invalid_request", param);
}
