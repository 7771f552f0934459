namespace Lamina.Gateway.Errors;

/// <summary>A path under <c>/v1</c> or <c>/api</c> that no route serves: a 404 in that family's shape that lists what it has.</summary>
public static class UnknownRoutes
{
    private const string OpenAiRoutes = "GET /v1/models, GET /v1/models/{id}, POST /v1/chat/completions, POST /v1/completions, POST /v1/embeddings";

    private const string OllamaRoutes =
        "GET /api/tags, GET /api/ps, POST /api/show, POST /api/pull, POST /api/chat, POST /api/generate, POST /api/embed, POST /api/embeddings, GET /api/version, DELETE /api/delete";

    public static IEndpointRouteBuilder MapUnknownRoutes(this IEndpointRouteBuilder app)
    {
        app.MapFallback("/v1/{**path}", context => NotHereAsync(context, OpenAiRoutes)).ExcludeFromDescription();
        app.MapFallback("/api/{**path}", context => NotHereAsync(context, OllamaRoutes)).ExcludeFromDescription();
        return app;
    }

    private static Task NotHereAsync(HttpContext context, string routes) =>
        ApiFamily.WriteErrorAsync(context, StatusCodes.Status404NotFound,
            $"no route {context.Request.Method} {context.Request.Path} here; this API has {routes}", "unknown_route");
}
