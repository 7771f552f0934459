using Lamina.TestSupport.Backends.Apis.Contracts;
using Lamina.TestSupport.Backends.CommandLine;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.TestSupport.Backends.Apis;

/// <summary>Errors in the shape each real backend answers with.</summary>
internal static class BackendErrors
{
    /// <summary>llama-server's answer on every route while the model loads.</summary>
    public static JsonHttpResult<LlamaError> Loading() =>
        TypedResults.Json(
            new LlamaError(new LlamaErrorBody(StatusCodes.Status503ServiceUnavailable, "Loading model", "unavailable_error")),
            BackendJson.Options,
            statusCode: StatusCodes.Status503ServiceUnavailable);

    public static JsonHttpResult<object> Unauthorized(Personality personality) => personality == Personality.LlamaServer
        ? Error(StatusCodes.Status401Unauthorized, new LlamaError(new LlamaErrorBody(401, "Invalid API Key", "authentication_error")))
        : Error(StatusCodes.Status401Unauthorized, new VllmUnauthorized("Unauthorized"));

    public static JsonHttpResult<object> BadRequest(Personality personality, string message) => personality switch
    {
        Personality.LlamaServer => Error(400, new LlamaError(new LlamaErrorBody(400, message, "invalid_request_error"))),
        Personality.Vllm => Error(400, new VllmError("error", message, "BadRequestError", null, 400)),
        _ => Error(400, new MlcError("error", message, 400)),
    };

    /// <summary>
    /// The rule for a request's <c>model</c>: llama-server serves whatever is asked, vLLM answers 404 for a name
    /// it does not serve, MLC 400 unless the name equals its command line's MODEL. Null when the request may go on.
    /// </summary>
    public static JsonHttpResult<object>? CheckModel(BackendOptions options, string? requested)
    {
        if (requested is null || options.Personality == Personality.LlamaServer || options.ModelIds.Contains(requested))
            return null;
        return options.Personality == Personality.Vllm
            ? Error(404, new VllmError("error", $"The model `{requested}` does not exist.", "NotFoundError", null, 404))
            : Error(400, new MlcError("error",
                $"The requested model \"{requested}\" is not served by this server. Available model: \"{options.Model}\".", 400));
    }

    private static JsonHttpResult<object> Error(int status, object body) =>
        TypedResults.Json(body, BackendJson.Options, statusCode: status);
}
