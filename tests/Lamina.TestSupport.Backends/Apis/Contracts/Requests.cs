using System.Text.Json;

namespace Lamina.TestSupport.Backends.Apis.Contracts;

/// <summary>The fields of a chat or text completion request a fake looks at; the rest are accepted and ignored.</summary>
internal sealed record GenerationRequest(
    string? Model,
    JsonElement Messages,
    JsonElement Prompt,
    bool Stream,
    int? MaxTokens,
    int? MaxCompletionTokens,
    StreamOptions? StreamOptions);

internal sealed record StreamOptions(bool IncludeUsage);

internal sealed record EmbeddingRequest(string? Model, JsonElement Input);
