namespace Lamina.Runner.Instances;

/// <summary>
/// Every move an instance may make, in one table. A backend responds before it is ready (llama-server's
/// 503) or only once it is (vLLM, MLC); it fails while loading or by crashing once ready; any backend
/// still holding memory may be stopped. Stopped and failed are ends: a new start is a new instance.
/// </summary>
public static class InstanceTransitions
{
    private static readonly HashSet<(InstanceState From, InstanceState To)> Allowed =
    [
        (InstanceState.Starting, InstanceState.Loading),
        (InstanceState.Starting, InstanceState.Ready),
        (InstanceState.Loading, InstanceState.Ready),
        (InstanceState.Starting, InstanceState.Failed),
        (InstanceState.Loading, InstanceState.Failed),
        (InstanceState.Ready, InstanceState.Failed),
        (InstanceState.Starting, InstanceState.Stopping),
        (InstanceState.Loading, InstanceState.Stopping),
        (InstanceState.Ready, InstanceState.Stopping),
        (InstanceState.Stopping, InstanceState.Stopped),
    ];

    public static IReadOnlyCollection<(InstanceState From, InstanceState To)> All => Allowed;

    public static bool IsAllowed(InstanceState from, InstanceState to) => Allowed.Contains((from, to));
}
