using System.Security.Cryptography;
using System.Text;
using Lamina.Engine.Loading;

namespace Lamina.Engine.Apis;

/// <summary>What every request passes before its endpoint: the API key, then the loading state.</summary>
internal static class EngineGates
{
    public static IApplicationBuilder UseApiKey(this IApplicationBuilder app, string? apiKey)
    {
        if (apiKey is null)
            return app;

        var expected = Encoding.UTF8.GetBytes($"Bearer {apiKey}");
        return app.Use((context, next) =>
        {
            var given = Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString());
            // Fixed-time comparison: response timing must not reveal how much of a guess was right.
            return HealthApi.IsHealthPath(context.Request.Path) || CryptographicOperations.FixedTimeEquals(given, expected)
                ? next(context)
                : OpenAiErrors.InvalidApiKey().ExecuteAsync(context);
        });
    }

    /// <summary>llama-server responds 503 "Loading model" on every route until the model is ready.</summary>
    public static IApplicationBuilder UseLoadingGate(this IApplicationBuilder app)
    {
        var host = app.ApplicationServices.GetRequiredService<ModelHost>();
        return app.Use((context, next) =>
            host.IsReady || HealthApi.IsHealthPath(context.Request.Path)
                ? next(context)
                : OpenAiErrors.Loading().ExecuteAsync(context));
    }
}
