using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Gateway.OpenAi;
using Lamina.Gateway.Routing;
using Lamina.Shared.Manifest;
using Microsoft.AspNetCore.Http.HttpResults;
using Yarp.ReverseProxy.Forwarder;

namespace Lamina.Gateway.Apis;

public static class OpenAiApi
{
    private const int MaxBodyBytes = 8 * 1024 * 1024;

    /// <summary>Maps the OpenAI-compatible routes under <c>/v1</c>.</summary>
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").WithTags("OpenAI");
        api.MapGet("/models", ListModels).WithName("ListOpenAiModels").WithSummary("The catalog as OpenAI's model list, with each model's state.");
        api.MapPost("/chat/completions", Forward).WithName("ChatCompletions").WithSummary("Starts the model if needed and streams its answer.");
        api.MapPost("/completions", Forward).WithName("Completions").WithSummary("Starts the model if needed and streams its completion.");
        return app;
    }

    public static async Task<Ok<JsonObject>> ListModels(RegistryClient registry, CancellationToken cancellationToken)
    {
        var models = await registry.ListModelsAsync(cancellationToken);
        var data = new JsonArray();
        foreach (var (name, model) in models)
        {
            data.Add(new JsonObject
            {
                ["id"] = name,
                ["object"] = "model",
                ["created"] = 0,
                ["owned_by"] = "lamina",
                ["available"] = model?["available"]?.GetValue<bool>() ?? false,
                ["state"] = model?["server"]?["state"]?.GetValue<string>() ?? "stopped",
            });
        }

        return TypedResults.Ok(new JsonObject { ["object"] = "list", ["data"] = data });
    }

    public static async Task<Results<EmptyHttpResult, JsonHttpResult<OpenAiError>>> Forward(
        HttpContext context, ModelRouter router, BackendForwarder forwarder, CancellationToken cancellationToken)
    {
        var (model, keepAlive, invalid) = await ReadModelAsync(context.Request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var route = await router.RouteAsync(model!, keepAlive, cancellationToken);
        if (route.Endpoint is null)
        {
            return RefusedStart(model!, route);
        }

        context.Request.Body.Position = 0;
        if (route.ServedModel is { } served && served != model)
        {
            await ServedModelBody.RewriteAsync(context.Request, served, cancellationToken);
        }

        router.Began(model!);
        ForwarderError error;
        try
        {
            error = await forwarder.ForwardAsync(context, route.Endpoint);
        }
        finally
        {
            // The idle clock starts when the answer ends, not when it began: a long stream is use.
            router.Ended(model!);
        }

        if (error is ForwarderError.None || context.Response.HasStarted)
        {
            return TypedResults.Empty;
        }

        return OpenAiError.Result(StatusCodes.Status502BadGateway,
            $"the backend of model '{model}' did not answer ({error}); it may have stopped, try again", "backend_unavailable");
    }

    /// <summary>The body's model, and Ollama's keep_alive when the body sets one (a duration or seconds), or why the body is refused.</summary>
    private static async Task<(string? Model, string? KeepAlive, JsonHttpResult<OpenAiError>? Invalid)> ReadModelAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, null, OpenAiError.Result(StatusCodes.Status413PayloadTooLarge, $"the request body is over {MaxBodyBytes} bytes", "request_too_large"));
        }

        request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: MaxBodyBytes);
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            if (body.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null, BadRequest("the body must be a JSON object", null));
            }

            if (!(body.RootElement.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String && model.GetString() is { Length: > 0 } name))
            {
                return (null, null, BadRequest("'model' is required: the name of a model from GET /v1/models", "model"));
            }

            if (!body.RootElement.TryGetProperty("keep_alive", out var keepAlive) || keepAlive.ValueKind == JsonValueKind.Null)
            {
                return (name, null, null);
            }

            var text = keepAlive.ValueKind is JsonValueKind.String or JsonValueKind.Number ? keepAlive.ToString() : null;
            return text is not null && KeepAliveDuration.TryParse(text, out _)
                ? (name, text, null)
                : (null, null, BadRequest($"'keep_alive' is {keepAlive.GetRawText()}; write a duration such as \"5m\" or \"30s\", seconds, 0 to unload after this request, or -1 to keep the model loaded", "keep_alive"));
        }
        catch (JsonException e)
        {
            return (null, null, BadRequest($"the body is not valid JSON: {e.Message}", null));
        }
    }

    private static JsonHttpResult<OpenAiError> BadRequest(string message, string? param) =>
        OpenAiError.Result(StatusCodes.Status400BadRequest, message, "invalid_request", param);

    private static JsonHttpResult<OpenAiError> RefusedStart(string model, RouteResult route) => route.Status switch
    {
        StatusCodes.Status404NotFound => OpenAiError.Result(404, $"The model '{model}' does not exist: it is not in models.yaml. GET /v1/models lists the models.", "model_not_found", "model"),
        StatusCodes.Status409Conflict => OpenAiError.Result(409, route.Problem ?? $"model '{model}' is not downloaded", "model_not_downloaded", "model"),
        StatusCodes.Status504GatewayTimeout => OpenAiError.Result(503, route.Problem ?? $"model '{model}' is still loading", "model_loading"),
        StatusCodes.Status503ServiceUnavailable => OpenAiError.Result(503, route.Problem ?? $"model '{model}' cannot be started now", "model_unavailable"),
        _ => OpenAiError.Result(StatusCodes.Status502BadGateway, route.Problem ?? $"model '{model}' could not be started", "backend_failed"),
    };
}
