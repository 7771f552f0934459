namespace Lamina.Runner.Instances;

/// <summary>
/// One instance's state, changed only through the moves <see cref="InstanceTransitions"/> allows and
/// under a lock, so a stop, a crash and a load that end at once cannot both win.
/// </summary>
public sealed class InstanceLifecycle
{
    private readonly Lock _lock = new();
    private InstanceState _state = InstanceState.Starting;

    public InstanceState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Makes the move, or says no when the instance is not where the move starts (another move won a race).</summary>
    public bool TryMoveTo(InstanceState next)
    {
        lock (_lock)
        {
            if (!InstanceTransitions.IsAllowed(_state, next))
            {
                return false;
            }

            _state = next;
            return true;
        }
    }

    /// <summary>Makes a move that must be allowed; one that is not is a bug, not a race.</summary>
    public void MoveTo(InstanceState next)
    {
        lock (_lock)
        {
            if (!InstanceTransitions.IsAllowed(_state, next))
            {
                throw new InvalidOperationException($"an instance cannot go from {_state.ToWire()} to {next.ToWire()}");
            }

            _state = next;
        }
    }

    /// <summary>Whether it holds, or is about to hold, memory that a new model cannot have.</summary>
    public static bool Holds(InstanceState state) => state is InstanceState.Starting or InstanceState.Loading or InstanceState.Ready;
}
