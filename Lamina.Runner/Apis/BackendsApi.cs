using System.Text.Json.Serialization;
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

    public static async Task<Ok<BackendList>> ListBackends(BackendDetector detector, CancellationToken cancellationToken, bool refresh = false)
    {
        var found = await detector.DetectAsync(refresh, cancellationToken);
        return TypedResults.Ok(new BackendList(
            found.ToDictionary(backend => backend.Name, backend => new DetectedBackend(
                backend.Available, backend.Description, backend.Path, backend.Path, backend.Version, backend.Reason)),
            [.. found.Where(backend => backend.Available).Select(backend => backend.Name)],
            found.Count,
            found.Count(backend => backend.Available)));
    }

    /// <summary>Each backend by name, and which of them can start models.</summary>
    public sealed record BackendList(IReadOnlyDictionary<string, DetectedBackend> Backends, IReadOnlyList<string> Available, int TotalConfigured, int TotalAvailable);

    /// <summary>
    /// One backend as lamina-llm-serve showed it (<c>executable</c> and <c>path</c> are both its program);
    /// what is not known is written as null, not left out.
    /// </summary>
    public sealed record DetectedBackend(
        bool Available,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Description,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Executable,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Path,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Version,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Reason);
}
