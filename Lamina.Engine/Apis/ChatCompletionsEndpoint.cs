using System.Runtime.CompilerServices;
using System.Text.Json;
using Lamina.Engine.Apis.Contracts;
using Lamina.Engine.Generation;
using Lamina.Engine.Loading;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Engine.Apis;

/// <summary>POST /v1/chat/completions: the prompt comes from the GGUF's chat template.</summary>
internal static class ChatCompletionsEndpoint
{
    private const string ObjectName = "chat.completion";
    private const string ChunkObjectName = "chat.completion.chunk";

    public static async Task<Results<Ok<ChatCompletion>, ServerSentEventsResult<string>, JsonHttpResult<OpenAiErrorResponse>>> HandleAsync(
        HttpRequest http, ModelHost host, Generator generator, TimeProvider time)
    {
        var (body, error) = await RequestBody.ReadAsync(http, EngineJsonContext.Api.ChatCompletionRequest);
        if (body is null)
            return error!;
        if (body.Messages is not { Count: > 0 } messages)
            return OpenAiErrors.InvalidRequest("'messages' is required: a non-empty array of {\"role\", \"content\"} objects.", "messages");
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i]?.Role is not { Length: > 0 })
                return OpenAiErrors.InvalidRequest($"'messages[{i}].role' is required.", $"messages[{i}].role");
        }

        var model = host.Model;
        var prompt = model.ApplyChatTemplate(messages.Select(m => (m!.Role!, m.Content ?? "")));
        if (!GenerationPlanner.TryPlan(model, body, prompt, "messages", out var request, out error))
            return error;

        var reply = new Reply($"chatcmpl-{Guid.NewGuid():N}", time.GetUtcNow().ToUnixTimeSeconds(), model.Id, request.Prompt.Length);
        var steps = generator.GenerateAsync(request, http.HttpContext.RequestAborted);
        if (body.Stream)
            return TypedResults.ServerSentEvents(StreamAsync(steps, reply));

        var result = await GenerationResult.CollectAsync(steps);
        return TypedResults.Ok(new ChatCompletion(reply.Id, ObjectName, reply.Created, reply.Model,
            [new ChatChoice(0, new ChatResponseMessage("assistant", result.Text), result.FinishReason)],
            Usage.Of(reply.PromptTokens, result.CompletionTokens)));
    }

    private static async IAsyncEnumerable<string> StreamAsync(
        IAsyncEnumerable<GenerationStep> steps, Reply reply, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return Chunk(reply, new ChatDelta("assistant", ""), null, null);
        await foreach (var step in steps.WithCancellation(cancellationToken))
        {
            if (step.Text.Length > 0)
                yield return Chunk(reply, new ChatDelta(null, step.Text), null, null);
            if (step.FinishReason is { } finish)
                yield return Chunk(reply, new ChatDelta(null, null), finish, Usage.Of(reply.PromptTokens, step.CompletionTokens));
        }

        yield return Reply.Done;
    }

    private static string Chunk(Reply reply, ChatDelta delta, string? finish, Usage? usage) =>
        JsonSerializer.Serialize(
            new ChatCompletionChunk(reply.Id, ChunkObjectName, reply.Created, reply.Model, [new ChatChunkChoice(0, delta, finish)], usage),
            EngineJsonContext.Api.ChatCompletionChunk);
}
