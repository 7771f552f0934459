using Lamina.Runner.Instances;
using Lamina.Shared.Contracts;

namespace Lamina.Runner.Tests;

public sealed class InstanceLifecycleTests
{
    /// <summary>The moves the Runner makes, written out here apart from the table, so a change to either shows.</summary>
    private static readonly (InstanceState From, InstanceState To)[] Legal =
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

    public static TheoryData<InstanceState, InstanceState> LegalMoves() => Data(Legal);

    public static TheoryData<InstanceState, InstanceState> IllegalMoves() =>
        Data(Enum.GetValues<InstanceState>().SelectMany(from => Enum.GetValues<InstanceState>().Select(to => (from, to))).Except(Legal));

    [Theory]
    [MemberData(nameof(LegalMoves))]
    public void ALegalMoveChangesTheState(InstanceState from, InstanceState to)
    {
        var lifecycle = In(from);

        lifecycle.MoveTo(to);

        Assert.Equal(to, lifecycle.State);
        Assert.True(InstanceTransitions.IsAllowed(from, to));
    }

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public void AnIllegalMoveThrowsAndLeavesTheStateAsItWas(InstanceState from, InstanceState to)
    {
        var lifecycle = In(from);

        var refused = Assert.Throws<InvalidOperationException>(() => lifecycle.MoveTo(to));

        Assert.Equal(from, lifecycle.State);
        Assert.Equal($"an instance cannot go from {from.ToWire()} to {to.ToWire()}", refused.Message);
    }

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public void AnIllegalTryIsRefusedAndLeavesTheStateAsItWas(InstanceState from, InstanceState to)
    {
        var lifecycle = In(from);

        Assert.False(lifecycle.TryMoveTo(to));
        Assert.Equal(from, lifecycle.State);
    }

    [Fact]
    public void TheTableHoldsExactlyTheLegalMoves() =>
        Assert.Equal(Legal.Order(), InstanceTransitions.All.Order());

    [Fact]
    public void AStopAndACrashAtOnceLetExactlyOneWin()
    {
        for (var round = 0; round < 200; round++)
        {
            var lifecycle = In(InstanceState.Ready);
            var wins = new bool[2];
            Parallel.Invoke(
                () => wins[0] = lifecycle.TryMoveTo(InstanceState.Stopping),
                () => wins[1] = lifecycle.TryMoveTo(InstanceState.Failed));

            Assert.Single(wins, won => won);
        }
    }

    [Theory]
    [InlineData(InstanceState.Starting, InstanceStates.Starting)]
    [InlineData(InstanceState.Loading, InstanceStates.Loading)]
    [InlineData(InstanceState.Ready, InstanceStates.Ready)]
    [InlineData(InstanceState.Stopping, InstanceStates.Stopping)]
    [InlineData(InstanceState.Stopped, InstanceStates.Stopped)]
    [InlineData(InstanceState.Failed, InstanceStates.Failed)]
    public void EachStateIsWrittenAsTheWireWordGetInstancesDocuments(InstanceState state, string wire)
    {
        Assert.Equal(wire, state.ToWire());
        Assert.Equal(state.ToString().ToLowerInvariant(), wire);
    }

    /// <summary>A lifecycle brought to <paramref name="state"/> the way the Runner gets there.</summary>
    private static InstanceLifecycle In(InstanceState state)
    {
        var lifecycle = new InstanceLifecycle();
        InstanceState[] path = state switch
        {
            InstanceState.Starting => [],
            InstanceState.Stopped => [InstanceState.Stopping, InstanceState.Stopped],
            _ => [state],
        };
        foreach (var step in path)
        {
            lifecycle.MoveTo(step);
        }

        return lifecycle;
    }

    private static TheoryData<InstanceState, InstanceState> Data(IEnumerable<(InstanceState From, InstanceState To)> moves)
    {
        var data = new TheoryData<InstanceState, InstanceState>();
        foreach (var (from, to) in moves)
        {
            data.Add(from, to);
        }

        return data;
    }
}
