using System.Text.Json.Nodes;
using Lamina.Runner.Backends;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Runner.Apis;

public static class BackendsApi
{
    /// <summary>Maps <c>GET /backends</c> in lamina-llm-serve's shape, with each backend's path, version and reason.</summary>
    public static IEndpointRouteBuilder MapBackendsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/backends", ListBackends).WithTags("Backends").WithName("ListBackends")
            .WithSummary("The backends this Runner can start (llama.cpp, vLLM, MLC, embedded): installed or not, path, version and why not. ?refresh=true looks again.");
        return app;
    }

    public static async Task<Ok<JsonObject>> ListBackends(BackendDetector detector, CancellationToken cancellationToken, bool refresh = false)
    {
        var found = await detector.DetectAsync(refresh, cancellationToken);
        var backends = new JsonObject();
        foreach (var backend in found)
        {
            backends[backend.Name] = new JsonObject
            {
                ["available"] = backend.Available,
                ["description"] = backend.Description,
                ["executable"] = backend.Path,
                ["path"] = backend.Path,
                ["version"] = backend.Version,
                ["reason"] = backend.Reason,
            };
        }

        return TypedResults.Ok(new JsonObject
        {
            ["backends"] = backends,
            ["available"] = new JsonArray([.. found.Where(backend => backend.Available).Select(backend => (JsonNode)backend.Name)]),
            ["total_configured"] = found.Count,
            ["total_available"] = found.Count(backend => backend.Available),
        });
    }
}
