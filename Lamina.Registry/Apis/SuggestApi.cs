using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Lamina.Registry.Catalog;
using Lamina.Shared.Contracts;
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

    public static Results<Ok<Suggestion>, NotFound<NoSuggestion>> Suggest(SuggestBody? body, Suggester suggester)
    {
        var request = new SuggestRequest(body?.UseCase, body?.Category, body?.MaxSize?.ToString(), body?.MaxMemory?.ToString(), body?.Backend, body?.RequireAvailable ?? false);
        var ranked = suggester.Rank(request);
        var best = ranked.FirstOrDefault() is { Rejection: null } eligible ? eligible : null;
        List<Alternative> alternatives = [.. ranked.Skip(best is null ? 0 : 1).Take(10).Select(candidate =>
            new Alternative(candidate.Name, candidate.Available, candidate.Rejection is null, candidate.MemoryBytes, candidate.Reason))];
        if (best is null)
        {
            return TypedResults.NotFound(new NoSuggestion("No suitable model found", alternatives));
        }

        return TypedResults.Ok(new Suggestion(best.Name, ModelDescriptions.Entry(best.Model), best.Available, best.MemoryBytes, best.Reason, alternatives));
    }

    /// <summary>The model to use, its manifest entry, and the runners-up.</summary>
    public sealed record Suggestion(
        string Suggested,
        ManifestEntry ModelInfo,
        bool Available,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? EstimatedMemoryBytes,
        string Reason,
        IReadOnlyList<Alternative> Alternatives);

    /// <summary>No model fits: the closest ones, each with why it does not.</summary>
    public sealed record NoSuggestion(string Error, IReadOnlyList<Alternative> Alternatives);

    /// <summary>A model that was not chosen, and why.</summary>
    public sealed record Alternative(
        string Model,
        bool Available,
        bool Eligible,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? EstimatedMemoryBytes,
        string Reason);

    /// <summary>The request; sizes may be strings ("4GB") or numbers of bytes.</summary>
    public sealed record SuggestBody(string? UseCase, string? Category, JsonNode? MaxSize, JsonNode? MaxMemory, string? Backend, bool? RequireAvailable);
}
