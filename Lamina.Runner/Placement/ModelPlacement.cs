using System.Globalization;
using Lamina.Shared.Manifest;

namespace Lamina.Runner.Placement;

/// <summary>
/// Where a model runs: the GPUs it uses (none: the CPU), how many of its layers go there for
/// llama.cpp, and the memory it takes on each GPU and in RAM, which later placements count as used.
/// </summary>
public sealed record ModelPlacement(IReadOnlyList<int> Gpus, long GpuBytesEach, long RamBytes)
{
    /// <summary>llama.cpp's <c>-ngl</c>: null for backends that take no such flag.</summary>
    public int? GpuLayers { get; init; }

    /// <summary>For vLLM: the share of each GPU's memory it may take (<c>--gpu-memory-utilization</c>).</summary>
    public double? GpuMemoryUtilization { get; init; }

    /// <summary>Why it went where it did when that is not the obvious choice (CPU fallback, partial offload, split).</summary>
    public string? Note { get; init; }

    public bool OnCpu => Gpus.Count == 0;

    public static ModelPlacement Cpu(long ramBytes, string? note = null) => new([], 0, ramBytes) { GpuLayers = 0, Note = note };

    /// <summary>The value of <c>CUDA_VISIBLE_DEVICES</c>: the chosen GPUs, or empty so a CPU backend touches none.</summary>
    public string VisibleDevices => string.Join(',', Gpus.Select(gpu => gpu.ToString(CultureInfo.InvariantCulture)));

    public string Describe() => OnCpu
        ? $"CPU, {ByteSize.Format(RamBytes)} of RAM"
        : $"GPU {VisibleDevices}, {ByteSize.Format(GpuBytesEach)}{(Gpus.Count > 1 ? " each" : "")}{(RamBytes > 0 ? $" and {ByteSize.Format(RamBytes)} of RAM" : "")}";
}
