using Lamina.TestSupport.Backends.CommandLine;
using Lamina.TestSupport.Backends.Lifetime;
using Lamina.TestSupport.Backends.Recording;

namespace Lamina.TestSupport.Backends.Apis;

/// <summary>What runs before every route: the request record, llama-server's loading 503, the API key.</summary>
internal static class BackendGates
{
    public static WebApplication UseBackendGates(this WebApplication app, BackendOptions options)
    {
        var recorder = app.Services.GetRequiredService<Recorder>();
        var state = app.Services.GetRequiredService<BackendState>();

        app.Use((context, next) =>
        {
            recorder.Event($"request {context.Request.Path}");
            // W3C trace context, so tests can see one trace span the gateway, the Runner and the backend.
            if (context.Request.Headers.TryGetValue("traceparent", out var traceParent))
                recorder.Event($"trace {traceParent} {context.Request.Path}");
            // Whether a client's key reached the backend: Lamina's gateway keeps its keys to itself.
            if (context.Request.Headers.Authorization.Count > 0)
                recorder.Event($"authorization {context.Request.Path}");
            return next(context);
        });

        if (options.Personality.BindsBeforeLoad())
        {
            app.Use(async (context, next) =>
            {
                if (state.IsReady)
                    await next(context);
                else
                    await BackendErrors.Loading().ExecuteAsync(context);
            });
        }

        if (options.ApiKey is { } key)
        {
            app.Use(async (context, next) =>
            {
                if (IsPublic(options.Personality, context.Request.Path) || context.Request.Headers.Authorization == $"Bearer {key}")
                    await next(context);
                else
                    await BackendErrors.Unauthorized(options.Personality).ExecuteAsync(context);
            });
        }

        return app;
    }

    // llama-server leaves health and the model list open; vLLM guards only its /v1 routes.
    private static bool IsPublic(Personality personality, PathString path) => personality == Personality.LlamaServer
        ? path == "/health" || path == "/v1/health" || path == "/models" || path == "/v1/models"
        : !path.StartsWithSegments("/v1");
}
