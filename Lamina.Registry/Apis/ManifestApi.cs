using Lamina.Registry.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Registry.Apis;

public static class ManifestApi
{
    /// <summary>Maps <c>GET /manifest</c>: which file is served, its version and what is wrong with it.</summary>
    public static IEndpointRouteBuilder MapManifestApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/manifest", GetManifest).WithTags("Manifest").WithName("GetManifest")
            .WithSummary("The manifest file, its version (ETag), when it was loaded and its current problems.");
        return app;
    }

    public static Ok<ManifestStatus> GetManifest(ModelCatalog catalog, HttpContext context)
    {
        var snapshot = catalog.Current;
        context.Response.Headers.ETag = snapshot.ETag;
        return TypedResults.Ok(new ManifestStatus(
            catalog.ManifestPath,
            catalog.ModelsDir,
            snapshot.ETag,
            snapshot.LoadedAt == DateTimeOffset.MinValue ? null : snapshot.LoadedAt,
            snapshot.Manifest.Models.Count,
            snapshot.Problems));
    }

    public sealed record ManifestStatus(
        string Path,
        string ModelsDir,
        string Version,
        DateTimeOffset? LoadedAt,
        int Models,
        IReadOnlyList<string> Errors);
}
