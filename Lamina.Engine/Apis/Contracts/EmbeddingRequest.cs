using System.Text.Json.Serialization;

namespace Lamina.Engine.Apis.Contracts;

internal sealed class EmbeddingRequest
{
    public string? Model { get; init; }

    [JsonConverter(typeof(EmbeddingInputConverter))]
    public IReadOnlyList<EmbeddingInput>? Input { get; init; }

    public string? EncodingFormat { get; init; }

    public int? Dimensions { get; init; }
}

/// <summary>One text to embed, given either as text or as token ids already made.</summary>
internal sealed record EmbeddingInput(string? Text, IReadOnlyList<int>? Tokens);
