using System.Diagnostics.CodeAnalysis;
using Lamina.Engine.Apis.Contracts;
using Lamina.Engine.Generation;
using Lamina.Engine.Loading;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Engine.Apis;

/// <summary>
/// Checks a body's options and fits the prompt into the context: a prompt that leaves no room is
/// refused up front, and max_tokens is cut to the room left, so generation never overflows.
/// </summary>
internal static class GenerationPlanner
{
    public static bool TryPlan(
        LoadedModel model,
        GenerationBody body,
        string prompt,
        string promptField,
        [NotNullWhen(true)] out GenerationRequest? request,
        [NotNullWhen(false)] out JsonHttpResult<OpenAiErrorResponse>? error)
    {
        request = null;
        error = Validate(body);
        if (error is not null)
            return false;

        var tokens = model.Tokenize(prompt);
        if (tokens.Length == 0)
        {
            error = OpenAiErrors.InvalidRequest($"'{promptField}' is empty: there is nothing to continue from.", promptField);
            return false;
        }

        var room = (int)model.ContextSize - tokens.Length;
        if (room < 1)
        {
            error = OpenAiErrors.ContextLengthExceeded(tokens.Length, model.ContextSize, promptField);
            return false;
        }

        var requested = body.MaxCompletionTokens ?? body.MaxTokens;
        var sampling = new SamplingSettings
        {
            Temperature = body.Temperature ?? 0.8f,
            TopP = body.TopP ?? 0.95f,
            TopK = body.TopK ?? 40,
            MinP = body.MinP ?? 0.05f,
            FrequencyPenalty = body.FrequencyPenalty ?? 0,
            PresencePenalty = body.PresencePenalty ?? 0,
            Seed = body.Seed is { } seed and >= 0 ? unchecked((uint)seed) : null,
            IgnoreEos = body.IgnoreEos,
        };
        var stops = body.Stop?.Where(s => s.Length > 0).ToArray() ?? [];
        // llama-server reads a negative budget as "until the context is full".
        var maxTokens = requested is { } r and > 0 ? Math.Min(r, room) : room;
        request = new GenerationRequest(tokens, maxTokens, stops, sampling);
        return true;
    }

    private static JsonHttpResult<OpenAiErrorResponse>? Validate(GenerationBody body) =>
        body switch
        {
            { MaxTokens: 0 } => Invalid("max_tokens", "must be at least 1"),
            { MaxCompletionTokens: 0 } => Invalid("max_completion_tokens", "must be at least 1"),
            { Temperature: < 0 } => Invalid("temperature", "must be 0 or more"),
            { TopP: <= 0 or > 1 } => Invalid("top_p", "must be more than 0 and at most 1"),
            { TopK: < 0 } => Invalid("top_k", "must be 0 or more"),
            { MinP: < 0 or > 1 } => Invalid("min_p", "must be from 0 to 1"),
            { FrequencyPenalty: < -2 or > 2 } => Invalid("frequency_penalty", "must be from -2 to 2"),
            { PresencePenalty: < -2 or > 2 } => Invalid("presence_penalty", "must be from -2 to 2"),
            _ => null,
        };

    private static JsonHttpResult<OpenAiErrorResponse> Invalid(string field, string rule) =>
        OpenAiErrors.InvalidRequest($"'{field}' {rule}.", field);
}
