using Lamina.Shared.Manifest;

namespace Lamina.Runner.Placement;

/// <summary>
/// Chooses where a model runs: one GPU with room for all of it, else several (for backends that
/// split a model), else as many layers as fit on the roomiest GPU (llama.cpp), else the CPU where
/// the backend allows it. A choice the start asked for is checked, never silently replaced.
/// </summary>
public static class PlacementPlanner
{
    /// <summary>vLLM's own default share of each GPU.</summary>
    public const double MaxGpuMemoryUtilization = 0.9;

    /// <summary>llama.cpp's way of saying every layer.</summary>
    public const int AllLayers = 999;

    private static readonly int[] SplitSizes = [2, 4, 8];

    public static (ModelPlacement? Placement, string? Problem) Place(
        string backend, BackendTraits traits, MemoryNeed need, GpuChoice choice, int? manifestGpuLayers, Room room)
    {
        if (choice.Indices is not null && !traits.Gpu)
        {
            return (null, $"backend {backend} runs on the CPU only; leave gpu out or ask for cpu");
        }

        if (choice.Cpu || (manifestGpuLayers == 0 && traits.Cpu && choice.Indices is null) || !traits.Gpu)
        {
            return OnCpu(backend, traits, need, room, note: null);
        }

        if (choice.Indices is { } indices)
        {
            return OnGiven(backend, traits, need, indices, manifestGpuLayers, room);
        }

        var roomiest = room.Gpus.OrderByDescending(gpu => gpu.Available).ThenBy(gpu => gpu.Gpu.Index).ToList();
        if (roomiest is [var best, ..] && best.Available >= need.Bytes)
        {
            return (OnGpus(traits, need, [best], manifestGpuLayers), null);
        }

        if (traits.Split)
        {
            foreach (var count in SplitSizes.Where(count => count <= roomiest.Count))
            {
                var chosen = roomiest.Take(count).ToList();
                if (chosen[^1].Available >= Each(need.Bytes, count))
                {
                    return (OnGpus(traits, need, chosen, manifestGpuLayers) with { Note = $"split over {count} GPUs: no single GPU has {ByteSize.Format(need.Bytes)} free" }, null);
                }
            }
        }

        if (traits.PartialOffload && roomiest is [var most, ..] && need.Layers is > 1 and var layers)
        {
            var perLayer = Each(need.Bytes, layers);
            var onGpu = (int)Math.Min(layers - 1, most.Available / perLayer);
            var rest = need.Bytes - onGpu * perLayer;
            if (onGpu >= 1 && rest <= room.Ram)
            {
                return (new ModelPlacement([most.Gpu.Index], onGpu * perLayer, rest)
                {
                    GpuLayers = onGpu,
                    Note = $"{onGpu} of {layers} layers on GPU {most.Gpu.Index} ({ByteSize.Format(most.Available)} free), the rest on the CPU",
                }, null);
            }
        }

        var why = roomiest.Count == 0 ? null : $"no GPU has room for {ByteSize.Format(need.Bytes)} ({room.Describe()}); running on the CPU";
        return OnCpu(backend, traits, need, room, why);
    }

    private static (ModelPlacement?, string?) OnCpu(string backend, BackendTraits traits, MemoryNeed need, Room room, string? note)
    {
        if (!traits.Cpu)
        {
            return (null, $"backend {backend} runs on GPUs only, and {(room.Gpus.Count == 0 ? "no GPU is known (see GET /gpus)" : $"none has room for {ByteSize.Format(need.Bytes)} ({room.Describe()})")}");
        }

        return need.Bytes <= room.Ram
            ? (ModelPlacement.Cpu(need.Bytes, note), null)
            : (null, $"{ByteSize.Format(room.Ram)} of RAM is free{(room.Gpus.Count > 0 ? $" and no GPU has room ({room.Describe()})" : "")}");
    }

    private static (ModelPlacement?, string?) OnGiven(
        string backend, BackendTraits traits, MemoryNeed need, IReadOnlyList<int> indices, int? manifestGpuLayers, Room room)
    {
        var chosen = new List<GpuRoom>();
        foreach (var index in indices)
        {
            if (room.Gpus.FirstOrDefault(gpu => gpu.Gpu.Index == index) is not { } gpu)
            {
                var known = room.Gpus.Count == 0 ? "no GPU is known" : "GPUs: " + string.Join(", ", room.Gpus.Select(g => $"{g.Gpu.Index} ({g.Gpu.Name})"));
                return (null, $"GPU {index} does not exist; {known} (see GET /gpus)");
            }

            chosen.Add(gpu);
        }

        if (chosen.Count > 1 && !traits.Split)
        {
            return (null, $"backend {backend} runs a model on one GPU; ask for one of {string.Join(", ", indices)}");
        }

        var each = Each(need.Bytes, chosen.Count);
        return chosen.FirstOrDefault(gpu => gpu.Available < each) is { } cramped
            ? (null, $"GPU {cramped.Gpu.Index} has {ByteSize.Format(cramped.Available)} free and the model needs {ByteSize.Format(each)} there")
            : (OnGpus(traits, need, chosen, manifestGpuLayers), null);
    }

    /// <summary>Every layer on the chosen GPUs (llama.cpp: the manifest's gpu_layers when it names a number).</summary>
    private static ModelPlacement OnGpus(BackendTraits traits, MemoryNeed need, IReadOnlyList<GpuRoom> chosen, int? manifestGpuLayers)
    {
        var gpus = chosen.Select(gpu => gpu.Gpu.Index).Order().ToList();
        var each = Each(need.Bytes, chosen.Count);
        if (!traits.MemoryUtilization)
        {
            return new ModelPlacement(gpus, each, 0) { GpuLayers = traits.PartialOffload ? (manifestGpuLayers is > 0 and var layers ? layers : AllLayers) : null };
        }

        // vLLM takes its share of each GPU's total for weights and then KV cache: give it what is free, at most its default.
        var share = chosen.Min(gpu => gpu.Gpu.MemoryTotalBytes is > 0 and var total ? (double)gpu.Available / total : MaxGpuMemoryUtilization);
        var utilization = Math.Floor(Math.Min(MaxGpuMemoryUtilization, share) * 100) / 100;
        var taken = chosen.Max(gpu => (long)(utilization * (gpu.Gpu.MemoryTotalBytes ?? 0)));
        return new ModelPlacement(gpus, Math.Max(each, taken), 0) { GpuMemoryUtilization = utilization };
    }

    private static long Each(long bytes, int parts) => (bytes + parts - 1) / parts;
}
