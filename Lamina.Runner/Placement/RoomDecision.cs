namespace Lamina.Runner.Placement;

/// <summary>What the eviction policy decided for a start: run it here, stop these models first, or refuse.</summary>
public abstract record RoomDecision
{
    private RoomDecision()
    {
    }

    /// <summary>The model runs so; nothing needs stopping.</summary>
    public sealed record Place(ModelPlacement Placement) : RoomDecision;

    /// <summary>Stop these idle models, least recently used first, then ask again.</summary>
    public sealed record Evict(IReadOnlyList<string> Models, string Why) : RoomDecision;

    /// <summary>No number of idle models stopped makes room: the reason names what is loaded and what to change.</summary>
    public sealed record Refuse(string Problem) : RoomDecision;
}
