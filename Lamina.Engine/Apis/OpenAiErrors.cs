using Lamina.Engine.Apis.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Engine.Apis;

/// <summary>The error responses of the engine, in the shapes OpenAI clients and llama-server users expect.</summary>
internal static class OpenAiErrors
{
    public static JsonHttpResult<OpenAiErrorResponse> InvalidRequest(string message, string? param = null, string? code = null) =>
        Error(StatusCodes.Status400BadRequest, new OpenAiError(message, "invalid_request_error", param, code));

    public static JsonHttpResult<OpenAiErrorResponse> ContextLengthExceeded(int promptTokens, uint contextSize, string param) =>
        InvalidRequest(
            $"This model's maximum context length is {contextSize} tokens, but the prompt has {promptTokens} tokens, " +
            "which leaves no room for a response. Shorten the prompt, or start the engine with a larger --ctx-size.",
            param,
            "context_length_exceeded");

    /// <summary>An embedding input is read whole or not at all: it cannot be longer than the context.</summary>
    public static JsonHttpResult<OpenAiErrorResponse> InputTooLong(string input, int tokens, uint contextSize, string param) =>
        InvalidRequest(
            $"{input} has {tokens} tokens, but this model's maximum context length is {contextSize} tokens. " +
            "Shorten the input, or start the engine with a larger --ctx-size.",
            param,
            "context_length_exceeded");

    public static JsonHttpResult<OpenAiErrorResponse> InvalidApiKey() =>
        Error(StatusCodes.Status401Unauthorized, new OpenAiError(
            "Invalid API key: send the key the engine was started with as \"Authorization: Bearer KEY\".",
            "authentication_error", null, "invalid_api_key"));

    /// <summary>llama-server's response while the model loads, on /health and every other route.</summary>
    public static JsonHttpResult<ServerErrorResponse> Loading() =>
        TypedResults.Json(
            new ServerErrorResponse(new ServerError(StatusCodes.Status503ServiceUnavailable, "Loading model", "unavailable_error")),
            EngineJsonContext.Api.ServerErrorResponse,
            statusCode: StatusCodes.Status503ServiceUnavailable);

    private static JsonHttpResult<OpenAiErrorResponse> Error(int status, OpenAiError error) =>
        TypedResults.Json(new OpenAiErrorResponse(error), EngineJsonContext.Api.OpenAiErrorResponse, statusCode: status);
}
