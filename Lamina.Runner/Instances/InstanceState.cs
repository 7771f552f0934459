using Lamina.Shared.Contracts;

namespace Lamina.Runner.Instances;

/// <summary>Where a model's backend is in its life; <see cref="InstanceTransitions"/> says which moves are allowed.</summary>
public enum InstanceState
{
    Starting,
    Loading,
    Ready,
    Stopping,
    Stopped,
    Failed,
}

public static class InstanceStateText
{
    /// <summary>The state as <c>GET /instances</c> and the store's records write it: <c>starting</c>, <c>ready</c>...</summary>
    public static string ToWire(this InstanceState state) => state switch
    {
        InstanceState.Starting => InstanceStates.Starting,
        InstanceState.Loading => InstanceStates.Loading,
        InstanceState.Ready => InstanceStates.Ready,
        InstanceState.Stopping => InstanceStates.Stopping,
        InstanceState.Stopped => InstanceStates.Stopped,
        InstanceState.Failed => InstanceStates.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
