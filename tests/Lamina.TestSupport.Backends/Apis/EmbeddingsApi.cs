using System.Text.Json;
using Lamina.TestSupport.Backends.Apis.Contracts;
using Lamina.TestSupport.Backends.CommandLine;
using Lamina.TestSupport.Backends.Generation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.TestSupport.Backends.Apis;

/// <summary>
/// <c>POST /v1/embeddings</c> for llama-server and vLLM (MLC has none). llama-server answers 501 unless it was
/// started with --embeddings, as the real one does.
/// </summary>
internal static class EmbeddingsApi
{
    public static WebApplication MapEmbeddingsApi(this WebApplication app)
    {
        app.MapPost("/v1/embeddings", Handle);
        return app;
    }

    private static Results<Ok<EmbeddingList>, JsonHttpResult<object>> Handle(EmbeddingRequest request, BackendOptions options, FakeGenerator generator)
    {
        if (!options.Embeddings)
        {
            return TypedResults.Json<object>(
                new LlamaError(new LlamaErrorBody(501, "This server does not support embeddings. Start it with `--embeddings`", "not_supported_error")),
                BackendJson.Options,
                statusCode: StatusCodes.Status501NotImplemented);
        }

        if (BackendErrors.CheckModel(options, request.Model) is { } refused)
            return refused;

        List<string> inputs = request.Input.ValueKind switch
        {
            JsonValueKind.String => [request.Input.GetString()!],
            JsonValueKind.Array => [.. request.Input.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText())],
            _ => [],
        };
        if (inputs.Count == 0)
            return BackendErrors.BadRequest(options.Personality, "'input' must be a string or a non-empty array");

        var data = inputs.Select((input, index) => new EmbeddingData("embedding", index, FakeEmbedding.Of(input))).ToList();
        var tokens = inputs.Sum(input => input.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        return TypedResults.Ok(new EmbeddingList("list", data, generator.Model, new EmbeddingUsage(tokens, tokens)));
    }
}
