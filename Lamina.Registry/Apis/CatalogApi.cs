using Lamina.Registry.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Registry.Apis;

public static class CatalogApi
{
    /// <summary>Maps <c>GET /categories</c> and <c>GET /stats</c> in lamina-llm-serve's shapes.</summary>
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/").WithTags("Catalog");
        api.MapGet("/categories", Categories).WithName("ListCategories").WithSummary("Each category with its models.");
        api.MapGet("/stats", Stats).WithName("GetStats").WithSummary("How many models the catalog has, and how many are on disk.");
        return app;
    }

    public static Ok<CategoryList> Categories(ModelCatalog catalog)
    {
        var categories = catalog.Manifest.Categories;
        return TypedResults.Ok(new CategoryList(categories, categories.Count));
    }

    public static Ok<CatalogStats> Stats(ModelCatalog catalog)
    {
        var manifest = catalog.Manifest;
        var available = manifest.Models.Values.Count(model => catalog.Describe(model).Available);
        return TypedResults.Ok(new CatalogStats(
            manifest.Models.Count,
            available,
            manifest.Models.Count - available,
            [.. manifest.Categories.Keys],
            [.. manifest.Backends.Keys],
            [.. manifest.Defaults.Keys]));
    }

    public sealed record CategoryList(IReadOnlyDictionary<string, IReadOnlyList<string>> Categories, int Total);

    public sealed record CatalogStats(
        int TotalModels,
        int AvailableModels,
        int MissingModels,
        IReadOnlyList<string> Categories,
        IReadOnlyList<string> Backends,
        IReadOnlyList<string> UseCases);
}
