using Lamina.TestSupport.Backends.Apis.Contracts;
using Lamina.TestSupport.Backends.CommandLine;

namespace Lamina.TestSupport.Backends.Apis;

/// <summary>
/// llama-server's <c>{"status":"ok"}</c> (its 503 while loading comes from the gate) and vLLM's empty 200.
/// MLC has no /health at all.
/// </summary>
internal static class HealthApi
{
    public static WebApplication MapHealthApi(this WebApplication app)
    {
        if (app.Services.GetRequiredService<BackendOptions>().Personality == Personality.LlamaServer)
        {
            app.MapGet("/health", () => TypedResults.Ok(new LlamaHealth("ok")));
            app.MapGet("/v1/health", () => TypedResults.Ok(new LlamaHealth("ok")));
        }
        else
        {
            app.MapGet("/health", () => TypedResults.Ok());
        }

        return app;
    }
}
