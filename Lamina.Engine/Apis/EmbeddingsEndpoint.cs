using Lamina.Engine.Apis.Contracts;
using Lamina.Engine.Embeddings;
using Lamina.Engine.Loading;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Engine.Apis;

/// <summary>POST /v1/embeddings: one pooled, unit-length vector per input, in the order given.</summary>
internal static class EmbeddingsEndpoint
{
    private const string ListObject = "list";
    private const string ItemObject = "embedding";

    public static async Task<Results<Ok<EmbeddingList>, JsonHttpResult<OpenAiErrorResponse>>> HandleAsync(
        HttpRequest http, ModelHost host, Embedder embedder)
    {
        var (body, error) = await RequestBody.ReadAsync(http, EngineJsonContext.Api.EmbeddingRequest);
        if (body is null)
            return error!;

        var model = host.Model;
        if (!EmbeddingPlanner.TryPlan(model, body, out var plan, out error))
            return error;

        var vectors = await embedder.EmbedAsync(plan.Inputs, http.HttpContext.RequestAborted);
        var data = vectors.Select((vector, i) => new EmbeddingItem(ItemObject, i, new EmbeddingVector(vector, plan.AsBase64))).ToList();
        // Embeddings read tokens and produce none: total_tokens is prompt_tokens, as OpenAI reports it.
        return TypedResults.Ok(new EmbeddingList(ListObject, data, model.Id, new EmbeddingUsage(plan.TokenCount, plan.TokenCount)));
    }
}
