using System.Text.Json.Nodes;
using Lamina.Registry.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Registry.Apis;

public static class SuggestApi
{
    /// <summary>Maps <c>POST /suggest</c>: which model to use, and why the others were not chosen.</summary>
    public static IEndpointRouteBuilder MapSuggestApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/suggest", Suggest).WithTags("Catalog").WithName("SuggestModel")
            .WithSummary("The best model for a use case, category, size, memory or backend, with ranked alternatives.");
        return app;
    }

    public static Results<Ok<JsonObject>, NotFound<JsonObject>> Suggest(SuggestBody? body, Suggester suggester)
    {
        var request = new SuggestRequest(body?.UseCase, body?.Category, body?.MaxSize?.ToString(), body?.MaxMemory?.ToString(), body?.Backend, body?.RequireAvailable ?? false);
        var ranked = suggester.Rank(request);
        var best = ranked.FirstOrDefault() is { Rejection: null } eligible ? eligible : null;
        var alternatives = new JsonArray([.. ranked.Skip(best is null ? 0 : 1).Take(10).Select(candidate => (JsonNode)new JsonObject
        {
            ["model"] = candidate.Name,
            ["available"] = candidate.Available,
            ["eligible"] = candidate.Rejection is null,
            ["estimated_memory_bytes"] = candidate.MemoryBytes,
            ["reason"] = candidate.Reason,
        })]);
        if (best is null)
        {
            return TypedResults.NotFound(new JsonObject { ["error"] = "No suitable model found", ["alternatives"] = alternatives });
        }

        return TypedResults.Ok(new JsonObject
        {
            ["suggested"] = best.Name,
            ["model_info"] = best.Model.Raw.DeepClone(),
            ["available"] = best.Available,
            ["estimated_memory_bytes"] = best.MemoryBytes,
            ["reason"] = best.Reason,
            ["alternatives"] = alternatives,
        });
    }

    /// <summary>The request; sizes may be strings ("4GB") or numbers of bytes.</summary>
    public sealed record SuggestBody(string? UseCase, string? Category, JsonNode? MaxSize, JsonNode? MaxMemory, string? Backend, bool? RequireAvailable);
}
