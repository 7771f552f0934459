using Lamina.Runner.Backends;
using Lamina.Runner.Placement;
using Lamina.Shared.Contracts;

namespace Lamina.Runner.Tests;

public sealed class PlacementPlannerTests
{
    private const long GiB = 1L << 30;

    private static readonly Room TwoGpus = new([Gpu(0, total: 24, free: 20), Gpu(1, total: 24, free: 10)], Ram: 64 * GiB);

    [Fact]
    public void AModelGoesWhollyToTheGpuWithTheMostRoom()
    {
        var placement = Place(BackendResolver.LlamaCpp, 8 * GiB, TwoGpus);

        Assert.Equal([0], placement.Gpus);
        Assert.Equal((8 * GiB, 0L, 999), (placement.GpuBytesEach, placement.RamBytes, placement.GpuLayers!.Value));
    }

    [Fact]
    public void VllmTakesTheShareOfTheGpuThatIsFreeAtMostNinetyPercent()
    {
        var roomy = Place(BackendResolver.Vllm, 8 * GiB, new Room([Gpu(0, total: 80, free: 79)], 64 * GiB));
        var shared = Place(BackendResolver.Vllm, 8 * GiB, TwoGpus);

        Assert.Equal(0.9, roomy.GpuMemoryUtilization);
        Assert.Equal(0.83, shared.GpuMemoryUtilization);
        Assert.Equal((long)(0.83 * 24 * GiB), shared.GpuBytesEach);
    }

    [Fact]
    public void AModelNoGpuHoldsIsSplitOverTwoForBackendsThatSplit()
    {
        var placement = Place(BackendResolver.Mlc, 18 * GiB, new Room([Gpu(0, 24, 12), Gpu(1, 24, 10), Gpu(2, 24, 9)], 64 * GiB));

        Assert.Equal([0, 1], placement.Gpus);
        Assert.Equal(9 * GiB, placement.GpuBytesEach);
        Assert.Contains("split over 2 GPUs", placement.Note);
    }

    [Fact]
    public void LlamaCppPutsAsManyLayersAsFitOnTheRoomiestGpuAndTheRestOnTheCpu()
    {
        // 33 layers of 1 GiB; GPU 0 holds 20 of them, GPU 1 another 10: a split of 2 (16.5 GiB each) fits neither.
        var placement = Place(BackendResolver.LlamaCpp, 33 * GiB, TwoGpus, layers: 33);

        Assert.Equal([0], placement.Gpus);
        Assert.Equal(20, placement.GpuLayers);
        Assert.Equal((20 * GiB, 13 * GiB), (placement.GpuBytesEach, placement.RamBytes));
        Assert.Contains("20 of 33 layers on GPU 0", placement.Note);
    }

    [Fact]
    public void WithNoGpuRoomLlamaCppRunsOnTheCpuAndSaysWhy()
    {
        var placement = Place(BackendResolver.LlamaCpp, 30 * GiB, new Room([Gpu(0, 24, 0)], 64 * GiB), layers: 33);

        Assert.True(placement.OnCpu);
        Assert.Equal((0, 30 * GiB), (placement.GpuLayers!.Value, placement.RamBytes));
        Assert.Contains("no GPU has room for 30 GiB", placement.Note);
        Assert.Equal("", placement.VisibleDevices);
    }

    [Fact]
    public void VllmDoesNotFallBackToTheCpu()
    {
        var (placement, problem) = PlacementPlanner.Place(BackendResolver.Vllm, BackendTraits.Of(BackendResolver.Vllm), Need(60 * GiB), GpuChoice.Auto, null, TwoGpus);

        Assert.Null(placement);
        Assert.Equal("backend vllm runs on GPUs only, and none has room for 60 GiB (GPU 0 (gpu0) 20 GiB free, GPU 1 (gpu1) 10 GiB free, RAM 64 GiB free)", problem);
    }

    [Fact]
    public void TheEmbeddedEngineRunsOnTheCpuWhileRamLasts()
    {
        var fits = Place(BackendResolver.Embedded, 1 * GiB, TwoGpus);
        var (placement, problem) = PlacementPlanner.Place(
            BackendResolver.Embedded, BackendTraits.Of(BackendResolver.Embedded), Need(65 * GiB), GpuChoice.Auto, null, TwoGpus);

        Assert.True(fits.OnCpu);
        Assert.Null(placement);
        Assert.StartsWith("64 GiB of RAM is free", problem);
    }

    [Fact]
    public void AGpuTheStartAsksForIsCheckedNotReplaced()
    {
        var (onOne, _) = Place(BackendResolver.LlamaCpp, 8 * GiB, GpuChoice.Parse("1").Choice!);
        var (tooSmall, tight) = Place(BackendResolver.LlamaCpp, 12 * GiB, GpuChoice.Parse("1").Choice!);
        var (missing, unknown) = Place(BackendResolver.LlamaCpp, 1 * GiB, GpuChoice.Parse("3").Choice!);
        var (onCpu, _) = Place(BackendResolver.Vllm, 1 * GiB, GpuChoice.OnCpu);

        Assert.Equal([1], onOne!.Gpus);
        Assert.Null(tooSmall);
        Assert.Equal("GPU 1 has 10 GiB free and the model needs 12 GiB there", tight);
        Assert.Null(missing);
        Assert.Equal("GPU 3 does not exist; GPUs: 0 (gpu0), 1 (gpu1) (see GET /gpus)", unknown);
        Assert.Null(onCpu);
    }

    [Fact]
    public void ManifestGpuLayersZeroKeepsAModelOnTheCpu()
    {
        var (placement, _) = PlacementPlanner.Place(BackendResolver.LlamaCpp, BackendTraits.Of(BackendResolver.LlamaCpp), Need(1 * GiB), GpuChoice.Auto, 0, TwoGpus);

        Assert.True(placement!.OnCpu);
        Assert.Null(placement.Note);
    }

    [Theory]
    [InlineData("auto", false, null)]
    [InlineData("cpu", true, null)]
    [InlineData("0,1", false, "0,1")]
    public void GpuChoicesParse(string text, bool cpu, string? indices)
    {
        var (choice, problem) = GpuChoice.Parse(text);

        Assert.Null(problem);
        Assert.Equal(cpu, choice!.Cpu);
        Assert.Equal(indices, choice.Indices is null ? null : string.Join(',', choice.Indices));
    }

    [Theory]
    [InlineData("gpu0")]
    [InlineData("0,0")]
    [InlineData("-1")]
    public void AGpuChoiceThatIsNoneOfThemSaysWhatWouldBe(string text)
    {
        var (choice, problem) = GpuChoice.Parse(text);

        Assert.Null(choice);
        Assert.Contains("auto, cpu or a list of distinct GPU indices", problem);
    }

    private static ModelPlacement Place(string backend, long bytes, Room room, int? layers = null)
    {
        var (placement, problem) = PlacementPlanner.Place(backend, BackendTraits.Of(backend), Need(bytes, layers), GpuChoice.Auto, null, room);
        Assert.True(placement is not null, problem);
        return placement;
    }

    private static (ModelPlacement?, string?) Place(string backend, long bytes, GpuChoice choice) =>
        PlacementPlanner.Place(backend, BackendTraits.Of(backend), Need(bytes), choice, null, TwoGpus);

    private static MemoryNeed Need(long bytes, int? layers = null) => new(bytes, layers, "test");

    private static GpuRoom Gpu(int index, long total, long free) =>
        new(new GpuInfo(index, $"GPU-{index}", $"gpu{index}") { MemoryTotalBytes = total * GiB, MemoryFreeBytes = free * GiB }, free * GiB);
}
