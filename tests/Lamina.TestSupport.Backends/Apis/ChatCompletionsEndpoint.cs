using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Lamina.TestSupport.Backends.Apis.Contracts;
using Lamina.TestSupport.Backends.CommandLine;
using Lamina.TestSupport.Backends.Generation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.TestSupport.Backends.Apis;

/// <summary><c>POST /v1/chat/completions</c>, whole or as server-sent chunks ending in <c>data: [DONE]</c>.</summary>
internal static class ChatCompletionsEndpoint
{
    public static async Task<Results<Ok<ChatCompletion>, ServerSentEventsResult<string>, JsonHttpResult<object>>> HandleAsync(
        GenerationRequest request, BackendOptions options, FakeGenerator generator, CancellationToken aborted)
    {
        if (BackendErrors.CheckModel(options, request.Model) is { } refused)
            return refused;

        var plan = generator.Plan(request.MaxCompletionTokens ?? request.MaxTokens);
        var usage = Usage(request, plan);
        var id = generator.NewId("chatcmpl");
        if (request.Stream)
            return TypedResults.ServerSentEvents(StreamAsync(generator, id, plan, request.StreamOptions?.IncludeUsage == true ? usage : null, aborted));

        var content = new StringBuilder();
        await foreach (var token in generator.GenerateAsync(plan, aborted))
            content.Append(token);
        var choice = new ChatChoice(0, new ChatMessage("assistant", content.ToString()), FakeGenerator.FinishReason(plan));
        return TypedResults.Ok(new ChatCompletion(id, "chat.completion", generator.Created, generator.Model, [choice], usage));
    }

    private static async IAsyncEnumerable<string> StreamAsync(
        FakeGenerator generator, string id, IReadOnlyList<string> plan, Usage? usage, [EnumeratorCancellation] CancellationToken aborted)
    {
        var created = generator.Created;
        ChatChunk Chunk(ChatDelta delta, string? finishReason) =>
            new(id, "chat.completion.chunk", created, generator.Model, [new ChatChunkChoice(0, delta, finishReason)]);

        var first = true;
        await foreach (var token in generator.GenerateAsync(plan, aborted))
        {
            yield return Serialize(Chunk(new ChatDelta(first ? "assistant" : null, token), null));
            first = false;
        }

        if (generator.Interrupted(aborted))
            yield break;
        yield return Serialize(Chunk(new ChatDelta(null, null), FakeGenerator.FinishReason(plan)));
        if (usage is not null)
            yield return Serialize(new ChatChunk(id, "chat.completion.chunk", created, generator.Model, [], usage));
        yield return "[DONE]";
    }

    internal static Usage Usage(GenerationRequest request, IReadOnlyList<string> plan)
    {
        var prompt = FakeGenerator.CountWords(request.Messages) + FakeGenerator.CountWords(request.Prompt);
        return new Usage(prompt, plan.Count, prompt + plan.Count);
    }

    internal static string Serialize<T>(T chunk) => JsonSerializer.Serialize(chunk, BackendJson.Options);
}
