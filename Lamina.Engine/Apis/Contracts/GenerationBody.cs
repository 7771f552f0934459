using System.Text.Json.Serialization;

namespace Lamina.Engine.Apis.Contracts;

/// <summary>The options chat and text completions share (OpenAI's names, plus llama-server's extensions).</summary>
internal abstract class GenerationBody
{
    public string? Model { get; init; }
    public int? MaxTokens { get; init; }
    public int? MaxCompletionTokens { get; init; }
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public int? TopK { get; init; }
    public float? MinP { get; init; }
    public float? FrequencyPenalty { get; init; }
    public float? PresencePenalty { get; init; }
    public long? Seed { get; init; }

    [JsonConverter(typeof(StringOrArrayConverter))]
    public IReadOnlyList<string>? Stop { get; init; }

    public bool Stream { get; init; }
    public bool IgnoreEos { get; init; }
}
