using System.Diagnostics.CodeAnalysis;
using Lamina.Engine.Apis.Contracts;
using Lamina.Engine.Loading;
using LLama.Native;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Engine.Apis;

/// <summary>What an embeddings body asks for, checked and tokenized before any context is touched.</summary>
internal sealed record EmbeddingPlan(IReadOnlyList<LLamaToken[]> Inputs, bool AsBase64)
{
    public int TokenCount => Inputs.Sum(tokens => tokens.Length);
}

/// <summary>
/// Checks an embeddings body: every input must be non-empty, made of the model's token ids and fit
/// in the context whole, since a pooled embedding cannot be cut into pieces.
/// </summary>
internal static class EmbeddingPlanner
{
    /// <summary>OpenAI's own limit on inputs per request.</summary>
    public const int MaxInputs = 2048;

    private const string InputField = "input";

    public static bool TryPlan(
        LoadedModel model,
        EmbeddingRequest body,
        [NotNullWhen(true)] out EmbeddingPlan? plan,
        [NotNullWhen(false)] out JsonHttpResult<OpenAiErrorResponse>? error)
    {
        plan = null;
        error = Validate(model, body);
        if (error is not null)
            return false;

        var inputs = new LLamaToken[body.Input!.Count][];
        for (var i = 0; i < inputs.Length; i++)
        {
            error = Tokenize(model, body.Input[i], Name(i, inputs.Length), out inputs[i]);
            if (error is not null)
                return false;
        }

        plan = new EmbeddingPlan(inputs, body.EncodingFormat == "base64");
        return true;
    }

    private static JsonHttpResult<OpenAiErrorResponse>? Validate(LoadedModel model, EmbeddingRequest body) =>
        body switch
        {
            { Input: null } => Invalid("'input' is required: a string, an array of strings, or token ids."),
            { Input.Count: 0 } => Invalid("'input' is empty: give at least one text to embed."),
            { Input.Count: > MaxInputs } => Invalid($"'input' has {body.Input.Count} items; at most {MaxInputs} are embedded per request."),
            { EncodingFormat: not (null or "float" or "base64") } =>
                OpenAiErrors.InvalidRequest("'encoding_format' must be \"float\" or \"base64\".", "encoding_format"),
            { Dimensions: { } d } when d != model.EmbeddingSize => OpenAiErrors.InvalidRequest(
                $"'dimensions' must be {model.EmbeddingSize}: this model's embeddings have {model.EmbeddingSize} dimensions and cannot be shortened.",
                "dimensions"),
            _ => null,
        };

    private static JsonHttpResult<OpenAiErrorResponse>? Tokenize(LoadedModel model, EmbeddingInput input, string name, out LLamaToken[] tokens)
    {
        tokens = input.Text is { } text
            ? text.Length == 0 ? [] : model.Tokenize(text)
            : [.. input.Tokens!.Select(id => (LLamaToken)id)];
        if (tokens.Length == 0)
            return Invalid($"{name} is empty: there is nothing to embed.");
        if (input.Tokens?.Where(id => id < 0 || id >= model.VocabularySize).Take(1).ToArray() is [var bad])
            return Invalid($"{name} holds token id {bad}, which is not in this model's vocabulary of {model.VocabularySize} tokens.");
        return tokens.Length > model.ContextSize
            ? OpenAiErrors.InputTooLong(name, tokens.Length, model.ContextSize, InputField)
            : null;
    }

    private static string Name(int index, int count) => count == 1 ? $"'{InputField}'" : $"'{InputField}[{index}]'";

    private static JsonHttpResult<OpenAiErrorResponse> Invalid(string message) => OpenAiErrors.InvalidRequest(message, InputField);
}
