using System.Globalization;
using System.Text.Json.Nodes;
using Lamina.Gateway.OpenAi;
using Lamina.Gateway.Routing;
using Lamina.Gateway.Telemetry;
using Lamina.Shared.Clients;
using Lamina.Shared.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Lamina.Gateway.Apis;

public static class OpenAiApi
{
    /// <summary>Maps the OpenAI-compatible routes under <c>/v1</c>.</summary>
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").WithTags("OpenAI");
        api.MapGet("/models", ListModels).WithName("ListOpenAiModels").WithSummary("The catalog as OpenAI's model list, with each model's state.");
        api.MapGet("/models/{id}", GetModel).WithName("GetOpenAiModel").WithSummary("One model of the catalog (by name or alias) as OpenAI's model object.");
        api.MapPost("/chat/completions", Forward).WithName("ChatCompletions").WithSummary("Starts the model if needed and streams its response.");
        api.MapPost("/completions", Forward).WithName("Completions").WithSummary("Starts the model if needed and streams its completion.");
        app.MapPost("/chat/{name}", ChatByName).WithTags("Lamina").WithName("ChatWithModel")
            .WithSummary("lamina-llm-serve's chat: an OpenAI chat request for the named model (its body needs no model).");
        api.MapPost("/embeddings", Forward).WithName("Embeddings").WithSummary("Starts the model if needed and returns its embeddings of the input.");
        return app;
    }

    public static async Task<Ok<JsonObject>> ListModels(RegistryClient registry, CancellationToken cancellationToken)
    {
        var models = await registry.ListModelsAsync(cancellationToken);
        var data = new JsonArray();
        foreach (var (name, model) in models)
        {
            data.Add(ModelObject(name, model));
        }

        return TypedResults.Ok(new JsonObject { ["object"] = "list", ["data"] = data });
    }

    public static async Task<Results<Ok<JsonObject>, JsonHttpResult<OpenAiError>>> GetModel(
        string id, RegistryClient registry, ModelAliases aliases, CancellationToken cancellationToken)
    {
        var name = aliases.Resolve(id);
        var models = await registry.ListModelsAsync(cancellationToken);
        return models.TryGetValue(name, out var model)
            ? TypedResults.Ok(ModelObject(name, model))
            : OpenAiError.Result(StatusCodes.Status404NotFound, $"The model '{id}' does not exist: it is not in models.yaml. GET /v1/models lists the models.", "model_not_found", "model");
    }

    private static JsonObject ModelObject(string name, CatalogModel model) => new()
    {
        ["id"] = name,
        ["object"] = "model",
        ["created"] = 0,
        ["owned_by"] = "lamina",
        ["available"] = model.Available,
        ["state"] = model.Server?.State ?? "stopped",
    };

    /// <summary>
    /// Checks the body, resolves an alias, takes a place in the model's queue, starts the model if it
    /// is not running (streaming requests get SSE keep-alives meanwhile) and forwards, streaming unbuffered.
    /// </summary>
    public static async Task<Results<EmptyHttpResult, JsonHttpResult<OpenAiError>>> Forward(
        HttpContext context, ModelRouter router, ModelAliases aliases, ModelGate gate, BackendForwarder forwarder, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var (request, invalid) = await OpenAiRequest.ReadAsync(context.Request, options.Value.MaxBodyBytes, cancellationToken);
        return request is null ? invalid! : await ForwardAsync(context, request, router, aliases, gate, forwarder, options.Value, cancellationToken);
    }

    private static async Task<Results<EmptyHttpResult, JsonHttpResult<OpenAiError>>> ForwardAsync(
        HttpContext context, OpenAiRequest request, ModelRouter router, ModelAliases aliases, ModelGate gate, BackendForwarder forwarder, GatewayOptions options, CancellationToken cancellationToken)
    {
        var model = aliases.Resolve(request.Model);
        ModelRequestMetering.Served(context, model, null);
        using var place = await gate.EnterAsync(model, cancellationToken);
        if (place is null)
        {
            context.Response.Headers.RetryAfter = gate.RetryAfterSeconds(model).ToString(CultureInfo.InvariantCulture);
            return OpenAiError.Result(StatusCodes.Status429TooManyRequests,
                $"model '{model}' has {options.MaxQueuePerModel} requests waiting already (Lamina:Gateway:MaxQueuePerModel); retry after the Retry-After seconds", "model_queue_full");
        }

        var starting = router.RouteWithinAsync(model, request.KeepAlive, null, options.StartTimeout, cancellationToken);
        if (request.Stream && !await StartingStream.SettlesQuietlyAsync(starting, options.StreamKeepAlive, cancellationToken))
        {
            router.Began(model);
            try
            {
                await StartingStream.ForwardAsync(context, model, request, starting, forwarder, options);
            }
            finally
            {
                router.Ended(model);
            }

            return TypedResults.Empty;
        }

        RouteResult route;
        try
        {
            route = await starting;
        }
        catch (TimeoutException e)
        {
            return StillLoading(e);
        }

        if (route.Endpoint is null)
        {
            return OpenAiRefusal.Of(model, route);
        }

        ModelRequestMetering.Served(context, model, route.Backend);
        router.Began(model);
        ForwarderError error;
        try
        {
            error = await forwarder.ForwardAsync(context, route.Endpoint, request.BodyFor(model, route));
            if (error is not ForwarderError.None && BackendForwarder.NoResponse(context))
            {
                // Nothing came back (the backend stopped since it was recorded, or died with the request): ask again, once, where the model runs now.
                BackendForwarder.ForgetFailure(context);
                route = await router.RerouteAsync(model, request.KeepAlive, null, options.StartTimeout, cancellationToken);
                if (route.Endpoint is null)
                {
                    return OpenAiRefusal.Of(model, route);
                }

                error = await forwarder.ForwardAsync(context, route.Endpoint, request.BodyFor(model, route));
            }
        }
        catch (TimeoutException e)
        {
            // The model is starting again, for longer than StartTimeout: the same response as a first start that takes long.
            return StillLoading(e);
        }
        finally
        {
            // The idle clock starts when the response ends, not when it began: a long stream is use.
            router.Ended(model);
        }

        if (error is ForwarderError.None || context.Response.HasStarted)
        {
            return TypedResults.Empty;
        }

        router.Forget(model);
        return OpenAiError.Result(StatusCodes.Status502BadGateway,
            $"the backend of model '{model}' did not answer ({error}); it may have stopped, try again", "backend_unavailable");
    }

    private static JsonHttpResult<OpenAiError> StillLoading(TimeoutException e) =>
        OpenAiError.Result(StatusCodes.Status503ServiceUnavailable, $"{e.Message}; it goes on loading, try again soon", "model_loading");

    /// <summary>The chat body with the route's model in it, forwarded as <c>/v1/chat/completions</c>.</summary>
    public static async Task<Results<EmptyHttpResult, JsonHttpResult<OpenAiError>>> ChatByName(
        string name, HttpContext context, ModelRouter router, ModelAliases aliases, ModelGate gate, BackendForwarder forwarder, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        if (OpenAiRequest.Limit(context.Request, options.Value.MaxBodyBytes) is { } tooLarge)
        {
            return tooLarge;
        }

        byte[] bytes;
        try
        {
            bytes = await OpenAiRequest.ReadBodyAsync(context.Request, cancellationToken);
            if (OpenAiBody.Read(bytes) is null)
            {
                return OpenAiRequest.BadRequest("the body must be a JSON object with messages", null);
            }
        }
        catch (System.Text.Json.JsonException e)
        {
            return OpenAiRequest.BadRequest($"the body is not valid JSON: {e.Message}", null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return OpenAiRequest.TooLarge(options.Value.MaxBodyBytes);
        }

        const string chat = "/v1/chat/completions";
        context.Request.Path = chat;
        var (request, invalid) = OpenAiRequest.Parse(chat, ServedModelBody.With(bytes, name));
        return request is null ? invalid! : await ForwardAsync(context, request, router, aliases, gate, forwarder, options.Value, cancellationToken);
    }
}
