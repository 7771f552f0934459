using System.Text.Json.Serialization;

namespace Lamina.Engine.Apis.Contracts;

internal sealed class CompletionRequest : GenerationBody
{
    [JsonConverter(typeof(StringOrArrayConverter))]
    public IReadOnlyList<string>? Prompt { get; init; }
}
