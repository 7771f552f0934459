namespace Lamina.Shared.Contracts;

/// <summary>One GPU as <c>nvidia-smi</c> reports it; a value the driver does not report is null.</summary>
public sealed record GpuInfo(int Index, string Uuid, string Name)
{
    public long? MemoryTotalBytes { get; init; }

    public long? MemoryUsedBytes { get; init; }

    public long? MemoryFreeBytes { get; init; }

    /// <summary>Percent of the last sample period the GPU was busy.</summary>
    public int? UtilizationPercent { get; init; }

    public string? DriverVersion { get; init; }

    public string? ComputeCapability { get; init; }
}
