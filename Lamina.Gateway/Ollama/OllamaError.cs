using Lamina.Gateway.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Gateway.Ollama;

/// <summary>Ollama's error body: <c>{"error": "..."}</c>, which its clients show as the message.</summary>
public sealed record OllamaError(string Error)
{
    public static JsonHttpResult<OllamaError> Result(int status, string message) =>
        TypedResults.Json(new OllamaError(message), statusCode: status);

    public static JsonHttpResult<OllamaError> BadRequest(string message) => Result(StatusCodes.Status400BadRequest, message);

    /// <summary>What Ollama responds to a chat, generate or embed for a model it does not have.</summary>
    public static JsonHttpResult<OllamaError> NotPulled(string model) =>
        Result(StatusCodes.Status404NotFound, $"model \"{model}\" not found, try pulling it first");

    /// <summary>What Ollama responds to show and delete for a model it does not have.</summary>
    public static JsonHttpResult<OllamaError> NotFound(string model) =>
        Result(StatusCodes.Status404NotFound, $"model '{model}' not found");

    /// <summary>The Runner's refusal to start the model, as Ollama would say it.</summary>
    public static JsonHttpResult<OllamaError> Refused(string model, RouteResult route) => route.Status switch
    {
        StatusCodes.Status404NotFound => NotPulled(model),
        StatusCodes.Status409Conflict => Result(StatusCodes.Status404NotFound,
            $"model \"{model}\" not found, try pulling it first ({route.Problem ?? "it is not downloaded"})"),
        StatusCodes.Status400BadRequest => BadRequest(route.Problem ?? $"model \"{model}\" cannot be started as asked"),
        StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout => Result(StatusCodes.Status503ServiceUnavailable,
            route.Problem ?? $"model \"{model}\" cannot be loaded now; try again"),
        _ => Result(StatusCodes.Status500InternalServerError, route.Problem ?? $"model \"{model}\" failed to load"),
    };
}
