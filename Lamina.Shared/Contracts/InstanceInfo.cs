using System.Text.Json.Serialization;

namespace Lamina.Shared.Contracts;

/// <summary>A model server the Runner started, as every service sees it (kept in Redis).</summary>
public sealed record InstanceInfo(
    string Model,
    string Backend,
    string State,
    string? Endpoint,
    int? Pid,
    DateTimeOffset StartedAt,
    string? Message = null)
{
    [JsonIgnore]
    public bool IsReady => State == InstanceStates.Ready;
}
