using Lamina.Gateway.Routing;
using Microsoft.Extensions.Options;

namespace Lamina.Gateway.Tests;

public sealed class ModelGateTests
{
    [Fact]
    public async Task BeyondTheSlotsRequestsWaitInTurnAndBeyondTheQueueTheyAreTurnedAway()
    {
        var gate = new ModelGate(Options.Create(new GatewayOptions { MaxConcurrentPerModel = 1, MaxQueuePerModel = 1 }));

        var first = await gate.EnterAsync("m", CancellationToken.None);
        var waiting = gate.EnterAsync("m", CancellationToken.None).AsTask();
        var refused = await gate.EnterAsync("m", CancellationToken.None);
        var other = await gate.EnterAsync("other", CancellationToken.None);

        Assert.NotNull(first);
        Assert.False(waiting.IsCompleted);
        Assert.Null(refused);
        Assert.NotNull(other);
        Assert.Equal(1, gate.RetryAfterSeconds("m"));
        first!.Dispose();
        Assert.NotNull(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task AWaiterThatGivesUpLeavesItsPlaceInTheQueue()
    {
        var gate = new ModelGate(Options.Create(new GatewayOptions { MaxConcurrentPerModel = 1, MaxQueuePerModel = 1 }));
        var first = await gate.EnterAsync("m", CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = gate.EnterAsync("m", cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var queued = gate.EnterAsync("m", CancellationToken.None).AsTask();
        Assert.False(queued.IsCompleted);
        first!.Dispose();
        Assert.NotNull(await queued.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task WithoutALimitEveryRequestGoesAtOnce()
    {
        var gate = new ModelGate(Options.Create(new GatewayOptions()));

        var places = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => gate.EnterAsync("m", CancellationToken.None).AsTask()));

        Assert.All(places, Assert.NotNull);
    }
}
