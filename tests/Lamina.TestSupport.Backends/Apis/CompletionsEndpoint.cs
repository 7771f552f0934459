using System.Runtime.CompilerServices;
using System.Text;
using Lamina.TestSupport.Backends.Apis.Contracts;
using Lamina.TestSupport.Backends.CommandLine;
using Lamina.TestSupport.Backends.Generation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.TestSupport.Backends.Apis;

/// <summary><c>POST /v1/completions</c>, whole or as server-sent chunks ending in <c>data: [DONE]</c>.</summary>
internal static class CompletionsEndpoint
{
    public static async Task<Results<Ok<TextCompletion>, ServerSentEventsResult<string>, JsonHttpResult<object>>> HandleAsync(
        GenerationRequest request, BackendOptions options, FakeGenerator generator, CancellationToken aborted)
    {
        if (BackendErrors.CheckModel(options, request.Model) is { } refused)
            return refused;

        var plan = generator.Plan(request.MaxTokens);
        var usage = ChatCompletionsEndpoint.Usage(request, plan);
        var id = generator.NewId("cmpl");
        if (request.Stream)
            return TypedResults.ServerSentEvents(StreamAsync(generator, id, plan, request.StreamOptions?.IncludeUsage == true ? usage : null, aborted));

        var text = new StringBuilder();
        await foreach (var token in generator.GenerateAsync(plan, aborted))
            text.Append(token);
        var choice = new TextChoice(0, text.ToString(), null, FakeGenerator.FinishReason(plan));
        return TypedResults.Ok(new TextCompletion(id, "text_completion", generator.Created, generator.Model, [choice], usage));
    }

    private static async IAsyncEnumerable<string> StreamAsync(
        FakeGenerator generator, string id, IReadOnlyList<string> plan, Usage? usage, [EnumeratorCancellation] CancellationToken aborted)
    {
        var created = generator.Created;
        TextCompletion Chunk(string text, string? finishReason, Usage? chunkUsage = null) =>
            new(id, "text_completion", created, generator.Model, [new TextChoice(0, text, null, finishReason)], chunkUsage);

        await foreach (var token in generator.GenerateAsync(plan, aborted))
            yield return ChatCompletionsEndpoint.Serialize(Chunk(token, null));

        if (generator.Interrupted(aborted))
            yield break;
        yield return ChatCompletionsEndpoint.Serialize(Chunk("", FakeGenerator.FinishReason(plan), usage));
        yield return "[DONE]";
    }
}
