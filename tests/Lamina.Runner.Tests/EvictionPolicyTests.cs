using Lamina.Runner.Backends;
using Lamina.Runner.Instances;
using Lamina.Runner.Placement;
using Lamina.Shared.Contracts;

namespace Lamina.Runner.Tests;

public sealed class EvictionPolicyTests
{
    private const long GiB = 1L << 30;

    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AModelThatFitsIsPlacedWithoutStoppingOrReadingUse()
    {
        var loaded = new[] { Ready("a", 8) };
        var room = OneGpu(free: 16);

        var fits = EvictionPolicy.FitsAsItShould(Ask(BackendResolver.Mlc, 8), loaded, room, maxLoaded: 3);
        var decision = EvictionPolicy.Decide(Ask(BackendResolver.Mlc, 8), loaded, room, maxLoaded: 3);

        Assert.Equal([0], fits?.Gpus);
        Assert.Equal([0], Assert.IsType<RoomDecision.Place>(decision).Placement.Gpus);
    }

    [Fact]
    public void AtMaxLoadedModelsTheLeastRecentlyUsedIdleModelIsStopped()
    {
        // a became ready first but was used since; b was never used after it became ready.
        var loaded = new[] { Ready("a", 4, readyAt: T0, lastUsed: T0.AddMinutes(10)), Ready("b", 4, readyAt: T0.AddMinutes(1)) };

        var decision = EvictionPolicy.Decide(Ask(BackendResolver.Mlc, 4), loaded, OneGpu(free: 16), maxLoaded: 2);

        Assert.Null(EvictionPolicy.FitsAsItShould(Ask(BackendResolver.Mlc, 4), loaded, OneGpu(free: 16), maxLoaded: 2));
        var evict = Assert.IsType<RoomDecision.Evict>(decision);
        Assert.Equal(["b"], evict.Models);
        Assert.Equal("MaxLoadedModels is 2", evict.Why);
    }

    [Fact]
    public void BusyAndLoadingModelsAreNeverStoppedAndTheRefusalNamesThemAndTheSetting()
    {
        var loaded = new[] { Ready("a", 8) with { InFlight = 1 }, Loaded("b", InstanceState.Loading, 8) };

        var decision = EvictionPolicy.Decide(Ask(BackendResolver.Mlc, 4), loaded, OneGpu(free: 8), maxLoaded: 2);

        Assert.Equal(
            "cannot start 'new': Lamina:Runner:MaxLoadedModels is 2 and 'a' (ready, busy, GPU 0, 8 GiB), 'b' (loading, GPU 0, 8 GiB) "
            + "are loaded and busy answering or loading; try again when one is idle, or raise Lamina:Runner:MaxLoadedModels",
            Assert.IsType<RoomDecision.Refuse>(decision).Problem);
    }

    [Fact]
    public void TheFewestLeastRecentlyUsedIdleModelsThatMakeRoomAreStopped()
    {
        var loaded = new[] { Ready("c", 6, readyAt: T0.AddMinutes(3)), Ready("a", 6, readyAt: T0.AddMinutes(1)), Ready("b", 6, readyAt: T0.AddMinutes(2)) };

        var decision = EvictionPolicy.Decide(Ask(BackendResolver.Mlc, 14), loaded, OneGpu(free: 6), maxLoaded: 5);

        var evict = Assert.IsType<RoomDecision.Evict>(decision);
        Assert.Equal(["a", "b"], evict.Models);
        Assert.Equal("it needs 14 GiB", evict.Why);
    }

    [Fact]
    public void AGpuBackendThatWouldRunPartlyOnTheCpuStopsAnIdleModelToRunWhollyOnTheGpu()
    {
        var ask = Ask(BackendResolver.LlamaCpp, 16, layers: 17);
        var loaded = new[] { Ready("a", 8) };

        Assert.Null(EvictionPolicy.FitsAsItShould(ask, loaded, OneGpu(free: 10), maxLoaded: 3));
        Assert.Equal(["a"], Assert.IsType<RoomDecision.Evict>(EvictionPolicy.Decide(ask, loaded, OneGpu(free: 10), maxLoaded: 3)).Models);
    }

    [Fact]
    public void WhenStoppingIdleModelsWouldNotHelpTheModelRunsWhereItFits()
    {
        var ask = Ask(BackendResolver.LlamaCpp, 30, layers: 31);

        var decision = EvictionPolicy.Decide(ask, [Ready("a", 2)], OneGpu(free: 10), maxLoaded: 3);

        var placement = Assert.IsType<RoomDecision.Place>(decision).Placement;
        Assert.Equal([0], placement.Gpus);
        Assert.True(placement.RamBytes > 0);
    }

    [Fact]
    public void WhenNothingMakesRoomTheRefusalSaysWhatIsLoadedAndWhatToDo()
    {
        var decision = EvictionPolicy.Decide(Ask(BackendResolver.Mlc, 40), [Ready("a", 8) with { InFlight = 2 }], OneGpu(free: 16), maxLoaded: 3);

        Assert.Equal(
            "cannot start 'new': it needs about 40 GiB (test), and backend mlc runs on GPUs only, and none has room for 40 GiB "
            + "(GPU 0 (gpu0) 16 GiB free, RAM 64 GiB free); loaded: 'a' (ready, busy, GPU 0, 8 GiB). "
            + "Stop a model (POST /models/{name}/stop), start this one with a smaller context_length, or choose a smaller model",
            Assert.IsType<RoomDecision.Refuse>(decision).Problem);
    }

    [Fact]
    public void IdleModelsComeLeastRecentlyUsedFirstAndBusyOrLoadingOnesNotAtAll()
    {
        var loaded = new[]
        {
            Ready("used-late", 1, readyAt: T0, lastUsed: T0.AddMinutes(9)),
            Ready("never-used", 1, readyAt: T0.AddMinutes(5)),
            Ready("used-early", 1, readyAt: T0, lastUsed: T0.AddMinutes(2)),
            Ready("busy", 1) with { InFlight = 1 },
            Loaded("loading", InstanceState.Loading, 1),
        };

        Assert.Equal(["used-early", "never-used", "used-late"], EvictionPolicy.IdleByLastUse(loaded).Select(model => model.Model));
    }

    [Fact]
    public void RoomCountsWhatLoadingModelsAreAboutToTakeAndWhatLoadedOnesClaim()
    {
        // nvidia-smi sees a's 8 GiB in use; b, still loading, has not allocated its 4 GiB yet.
        var gpu = new GpuInfo(0, "GPU-0", "gpu0") { MemoryTotalBytes = 24 * GiB, MemoryFreeBytes = 16 * GiB };
        var loaded = new[]
        {
            Ready("a", 8),
            Loaded("b", InstanceState.Loading, 4),
            Ready("c", 0) with { Placement = ModelPlacement.Cpu(10 * GiB) },
            Loaded("d", InstanceState.Starting, 0) with { Placement = ModelPlacement.Cpu(6 * GiB) },
        };

        var room = EvictionPolicy.RoomFor([gpu], loaded, ramTotal: 64 * GiB, ramAvailable: 32 * GiB, budget: null);
        var budgeted = EvictionPolicy.RoomFor([gpu], loaded, ramTotal: 64 * GiB, ramAvailable: 32 * GiB, budget: 20 * GiB);

        Assert.Equal(12 * GiB, room.Gpus.Single().Available);
        Assert.Equal(26 * GiB, room.Ram);
        Assert.Equal(4 * GiB, budgeted.Ram);
    }

    private static RoomAsk Ask(string backend, long gib, int? layers = null) =>
        new("new", backend, new MemoryNeed(gib * GiB, layers, "test"), GpuChoice.Auto, null);

    private static LoadedModel Ready(string model, long gib, DateTimeOffset? readyAt = null, DateTimeOffset? lastUsed = null) =>
        Loaded(model, InstanceState.Ready, gib) with { ReadyAt = readyAt ?? T0, LastUsed = lastUsed ?? DateTimeOffset.MinValue };

    private static LoadedModel Loaded(string model, InstanceState state, long gib) =>
        new(model, state, new ModelPlacement([0], gib * GiB, 0), T0);

    private static Room OneGpu(long free) =>
        new([new GpuRoom(new GpuInfo(0, "GPU-0", "gpu0") { MemoryTotalBytes = 24 * GiB, MemoryFreeBytes = free * GiB }, free * GiB)], 64 * GiB);
}
