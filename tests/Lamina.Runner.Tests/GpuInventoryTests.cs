using Lamina.Runner.Gpus;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lamina.Runner.Tests;

// The Runner supervises Linux processes; its tests write small shell programs.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GpuInventoryTests : IDisposable
{
    private static readonly string H100 = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "nvidia-smi-h100.csv"));

    private readonly DirectoryInfo _bin = Directory.CreateTempSubdirectory("lamina-nvidia-smi-");

    [Fact]
    public void RealH100AnswerIsRead()
    {
        var gpu = Assert.Single(NvidiaSmi.Parse(H100));

        Assert.Equal(0, gpu.Index);
        Assert.Equal("GPU-ea2488df-22ee-3a41-3cdc-acb5f35a8364", gpu.Uuid);
        Assert.Equal("NVIDIA H100 80GB HBM3", gpu.Name);
        Assert.Equal(81559L << 20, gpu.MemoryTotalBytes);
        Assert.Equal(0, gpu.MemoryUsedBytes);
        Assert.Equal(81079L << 20, gpu.MemoryFreeBytes);
        Assert.Equal(0, gpu.UtilizationPercent);
        Assert.Equal("580.159.04", gpu.DriverVersion);
        Assert.Equal("9.0", gpu.ComputeCapability);
    }

    [Fact]
    public void UnreportedValuesAreNullAndStrayLinesAreSkipped()
    {
        var gpus = NvidiaSmi.Parse("""
            0, GPU-aaa, NVIDIA A10, 23028, 512, 22516, [N/A], 550.54.15, 8.6
            WARNING: infoROM is corrupted at gpu 0000:01:00.0

            1, GPU-bbb, NVIDIA T4, [Not Supported], [N/A], [N/A], 3, 550.54.15, [N/A]
            """);

        Assert.Equal([0, 1], gpus.Select(gpu => gpu.Index));
        Assert.Null(gpus[0].UtilizationPercent);
        Assert.Equal(512L << 20, gpus[0].MemoryUsedBytes);
        Assert.Null(gpus[1].MemoryTotalBytes);
        Assert.Null(gpus[1].ComputeCapability);
        Assert.Equal(3, gpus[1].UtilizationPercent);
    }

    [Fact]
    public async Task InventoryAsksTheConfiguredNvidiaSmiWithTheDocumentedQuery()
    {
        var arguments = Path.Combine(_bin.FullName, "arguments");
        var program = Script("nvidia-smi", $"echo \"$@\" > {arguments}\ncat <<'END'\n{H100.Trim()}\nEND");

        var reading = await Inventory(program).ReadAsync(CancellationToken.None);

        Assert.Null(reading.Problem);
        Assert.Equal("NVIDIA H100 80GB HBM3", Assert.Single(reading.Gpus).Name);
        Assert.Equal(NvidiaSmi.Arguments, (await File.ReadAllTextAsync(arguments)).Trim());
    }

    [Fact]
    public async Task FailingNvidiaSmiGivesItsOwnWordsAsTheReason()
    {
        var program = Script("nvidia-smi", "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\" >&2\nexit 9");

        var reading = await Inventory(program).ReadAsync(CancellationToken.None);

        Assert.Empty(reading.Gpus);
        Assert.Contains("failed (9): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver", reading.Problem);
    }

    [Fact]
    public async Task MissingNvidiaSmiMeansNoGpuAndSaysHowToPointAtIt()
    {
        var reading = await Inventory(Path.Combine(_bin.FullName, "absent")).ReadAsync(CancellationToken.None);

        Assert.Empty(reading.Gpus);
        Assert.Contains("set Lamina:Runner:NvidiaSmi", reading.Problem);
    }

    private static GpuInventory Inventory(string program) =>
        new(Options.Create(new RunnerOptions { NvidiaSmi = program }), TimeProvider.System, NullLogger<GpuInventory>.Instance);

    private string Script(string name, string body) => TestPrograms.Write(_bin, name, body);

    public void Dispose() => _bin.Delete(recursive: true);
}
