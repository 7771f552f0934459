using System.Runtime.CompilerServices;
using System.Text.Json;
using Lamina.Engine.Apis.Contracts;
using Lamina.Engine.Generation;
using Lamina.Engine.Loading;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Engine.Apis;

/// <summary>POST /v1/completions: the prompt is continued as given, no template.</summary>
internal static class CompletionsEndpoint
{
    private const string ObjectName = "text_completion";

    public static async Task<Results<Ok<TextCompletion>, ServerSentEventsResult<string>, JsonHttpResult<OpenAiErrorResponse>>> HandleAsync(
        HttpRequest http, ModelHost host, Generator generator, TimeProvider time)
    {
        var (body, error) = await RequestBody.ReadAsync(http, EngineJsonContext.Api.CompletionRequest);
        if (body is null)
            return error!;
        if (body.Prompt is not { Count: 1 } prompts)
        {
            return OpenAiErrors.InvalidRequest(
                body.Prompt is null ? "'prompt' is required: a string." : "'prompt' must be one string; batches of prompts are not supported.",
                "prompt");
        }

        var model = host.Model;
        if (!GenerationPlanner.TryPlan(model, body, prompts[0], "prompt", out var request, out error))
            return error;

        var reply = new Reply($"cmpl-{Guid.NewGuid():N}", time.GetUtcNow().ToUnixTimeSeconds(), model.Id, request.Prompt.Length);
        var steps = generator.GenerateAsync(request, http.HttpContext.RequestAborted);
        if (body.Stream)
            return TypedResults.ServerSentEvents(StreamAsync(steps, reply));

        var result = await GenerationResult.CollectAsync(steps);
        return TypedResults.Ok(Completion(reply, result.Text, result.FinishReason, Usage.Of(reply.PromptTokens, result.CompletionTokens)));
    }

    private static async IAsyncEnumerable<string> StreamAsync(
        IAsyncEnumerable<GenerationStep> steps, Reply reply, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var step in steps.WithCancellation(cancellationToken))
        {
            var usage = step.FinishReason is null ? null : Usage.Of(reply.PromptTokens, step.CompletionTokens);
            if (step.Text.Length > 0 || step.FinishReason is not null)
                yield return JsonSerializer.Serialize(Completion(reply, step.Text, step.FinishReason, usage), EngineJsonContext.Api.TextCompletion);
        }

        yield return Reply.Done;
    }

    private static TextCompletion Completion(Reply reply, string text, string? finish, Usage? usage) =>
        new(reply.Id, ObjectName, reply.Created, reply.Model, [new TextChoice(text, 0, null, finish)], usage);
}
