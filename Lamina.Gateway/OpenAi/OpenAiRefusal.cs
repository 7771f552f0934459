using Lamina.Gateway.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Gateway.OpenAi;

/// <summary>A model that could not be started, as OpenAI clients expect to hear it.</summary>
public static class OpenAiRefusal
{
    public static JsonHttpResult<OpenAiError> Of(string model, RouteResult route) => route.Status switch
    {
        StatusCodes.Status404NotFound => OpenAiError.Result(404, $"The model '{model}' does not exist: it is not in models.yaml. GET /v1/models lists the models.", "model_not_found", "model"),
        StatusCodes.Status409Conflict => OpenAiError.Result(409, route.Problem ?? $"model '{model}' is not downloaded", "model_not_downloaded", "model"),
        StatusCodes.Status504GatewayTimeout => OpenAiError.Result(503, route.Problem ?? $"model '{model}' is still loading", "model_loading"),
        StatusCodes.Status503ServiceUnavailable => OpenAiError.Result(503, route.Problem ?? $"model '{model}' cannot be started now", "model_unavailable"),
        StatusCodes.Status422UnprocessableEntity => OpenAiError.Result(503, route.Problem ?? $"model '{model}' has no backend here", "backend_unavailable"),
        _ => OpenAiError.Result(StatusCodes.Status502BadGateway, route.Problem ?? $"model '{model}' could not be started", "backend_failed"),
    };
}
