using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;

namespace Lamina.Runner.Placement;

/// <summary>The memory a new model may take now: on each GPU and in RAM, after what Lamina's models hold.</summary>
public sealed record Room(IReadOnlyList<GpuRoom> Gpus, long Ram)
{
    /// <summary>The room once a model placed so is stopped.</summary>
    public Room Without(ModelPlacement placement) => new(
        [.. Gpus.Select(room => placement.Gpus.Contains(room.Gpu.Index) ? room with { Available = room.Available + placement.GpuBytesEach } : room)],
        Ram == long.MaxValue ? Ram : Ram + placement.RamBytes);

    public string Describe()
    {
        var gpus = Gpus.Select(room => $"GPU {room.Gpu.Index} ({room.Gpu.Name}) {ByteSize.Format(room.Available)} free");
        var ram = Ram == long.MaxValue ? "RAM unknown" : $"RAM {ByteSize.Format(Ram)} free";
        return string.Join(", ", [.. gpus, ram]);
    }
}

/// <summary>One GPU and the bytes a new model may take on it.</summary>
public sealed record GpuRoom(GpuInfo Gpu, long Available);
