using Lamina.Runner.Instances;

namespace Lamina.Runner.Placement;

/// <summary>
/// A model this Runner holds memory for, as the eviction policy sees it: where it runs, and when a
/// request last used it and how many use it now (the gateways' records, read only when room is short).
/// </summary>
public sealed record LoadedModel(string Model, InstanceState State, ModelPlacement Placement, DateTimeOffset ReadyAt)
{
    public DateTimeOffset LastUsed { get; init; } = DateTimeOffset.MinValue;

    public long InFlight { get; init; }

    /// <summary>Idle since its last request ended, or since it became ready when none has used it.</summary>
    public DateTimeOffset IdleSince => LastUsed > ReadyAt ? LastUsed : ReadyAt;
}
