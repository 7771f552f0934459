using Lamina.Engine.Apis.Contracts;
using Lamina.Engine.Loading;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Engine.Apis;

/// <summary>The OpenAI-compatible routes llama-server offers, under /v1.</summary>
internal static class OpenAiApi
{
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").WithTags("OpenAI");
        api.MapGet("/models", ListModels).WithName("ListModels").WithSummary("The one model this engine serves.");
        api.MapPost("/chat/completions", ChatCompletionsEndpoint.HandleAsync)
            .WithName("CreateChatCompletion").WithSummary("Chat through the model's chat template, streamed or whole.");
        api.MapPost("/completions", CompletionsEndpoint.HandleAsync)
            .WithName("CreateCompletion").WithSummary("Continue a prompt, streamed or whole.");
        api.MapPost("/embeddings", EmbeddingsEndpoint.HandleAsync)
            .WithName("CreateEmbedding").WithSummary("One pooled, L2-normalized vector per input text or token list.");
        return app;
    }

    private static Ok<ModelList> ListModels(ModelHost host)
    {
        var model = host.Model;
        return TypedResults.Ok(new ModelList("list", [new ModelCard(model.Id, "model", model.Created.ToUnixTimeSeconds(), "lamina")]));
    }
}
