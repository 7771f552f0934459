using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Gateway.OpenAi;

/// <summary>OpenAI's error body: <c>{"error": {"message", "type", "code"}}</c>.</summary>
public sealed record OpenAiError([property: JsonPropertyName("error")] OpenAiError.Detail Error)
{
    /// <summary>Named as OpenAI names them whatever serializer writes it: the stream's error event too.</summary>
    public sealed record Detail(
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("code")] string? Code,
        [property: JsonPropertyName("param")] string? Param = null);

    public static JsonHttpResult<OpenAiError> Result(int status, string message, string code, string? param = null) =>
        TypedResults.Json(new OpenAiError(new Detail(message, TypeOf(status), code, param)), statusCode: status);

    public static string TypeOf(int status) => status switch
    {
        // As OpenAI types them: a wrong key too is an invalid request (code invalid_api_key).
        >= 400 and < 500 and not StatusCodes.Status429TooManyRequests => "invalid_request_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        _ => "server_error",
    };
}
