using System.Text.Json.Serialization;

namespace Lamina.Shared.Contracts;

/// <summary>One entry of the manifest's <c>backends</c> section.</summary>
public sealed record BackendSettings
{
    /// <summary>The program: a path, or a name looked up on PATH.</summary>
    public string? Executable { get; init; }

    [JsonConverter(typeof(TextListConverter))]
    public IReadOnlyList<string>? DefaultArgs { get; init; }
}
