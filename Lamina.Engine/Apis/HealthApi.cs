using Lamina.Engine.Apis.Contracts;
using Lamina.Engine.Loading;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Engine.Apis;

/// <summary>GET /health as llama-server responds to it: 503 while loading, 200 once requests can be served.</summary>
internal static class HealthApi
{
    public static readonly string[] Paths = ["/health", "/v1/health"];

    private static readonly HealthStatus _ok = new("ok");

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        foreach (var path in Paths)
            app.MapGet(path, GetHealth).WithTags("Health");
        return app;
    }

    public static bool IsHealthPath(PathString path) => Paths.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase));

    private static Results<Ok<HealthStatus>, JsonHttpResult<ServerErrorResponse>> GetHealth(ModelHost host) =>
        host.IsReady ? TypedResults.Ok(_ok) : OpenAiErrors.Loading();
}
