using Lamina.Runner.Instances;
using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;

namespace Lamina.Runner.Placement;

/// <summary>
/// Where a new model runs among the models already loaded, and which least recently used idle ones
/// to stop first so that it runs under MaxLoadedModels, fits at all, or fits on a GPU instead of the
/// CPU. Pure: the caller reads GPUs, RAM and use, and stops what it is told to.
/// </summary>
public static class EvictionPolicy
{
    /// <summary>
    /// Where the model runs when it fits as it should with nothing stopped (then no model's use needs
    /// reading, which costs the store a round trip); null when <see cref="Decide"/> must weigh evictions.
    /// </summary>
    public static ModelPlacement? FitsAsItShould(RoomAsk ask, IReadOnlyList<LoadedModel> loaded, Room room, int maxLoaded)
    {
        var (placement, _) = Place(ask, room);
        return loaded.Count < maxLoaded && placement is not null && !BetterOnGpu(ask, placement, room) ? placement : null;
    }

    /// <summary>
    /// Place when it fits as it should; else evict the fewest least recently used idle models that help;
    /// else place where it fits at all (part on the CPU); else refuse, naming what is loaded.
    /// </summary>
    public static RoomDecision Decide(RoomAsk ask, IReadOnlyList<LoadedModel> loaded, Room room, int maxLoaded)
    {
        var (placement, problem) = Place(ask, room);
        var tooMany = loaded.Count >= maxLoaded;
        if (!tooMany && placement is not null && !BetterOnGpu(ask, placement, room))
        {
            return new RoomDecision.Place(placement);
        }

        var idle = IdleByLastUse(loaded);
        var victims = tooMany ? [.. idle.Take(1)] : FewestToStop(ask, idle, room, placement);
        if (victims.Count > 0)
        {
            return new RoomDecision.Evict([.. victims.Select(victim => victim.Model)],
                tooMany ? $"MaxLoadedModels is {maxLoaded}" : $"it needs {ByteSize.Format(ask.Need.Bytes)}");
        }

        return placement is not null && !tooMany
            ? new RoomDecision.Place(placement)
            : new RoomDecision.Refuse(NoRoom(ask, problem, loaded, idle, tooMany, maxLoaded));
    }

    /// <summary>The ready models no request is using, least recently used first.</summary>
    public static IReadOnlyList<LoadedModel> IdleByLastUse(IReadOnlyList<LoadedModel> loaded) =>
        [.. loaded.Where(model => model.State == InstanceState.Ready && model.InFlight <= 0).OrderBy(model => model.IdleSince)];

    /// <summary>
    /// Free memory per GPU and in RAM, less what Lamina's own models hold or are about to: a model
    /// still loading has not allocated yet, and a GPU reading can be up to a second old.
    /// </summary>
    public static Room RoomFor(IReadOnlyList<GpuInfo> gpus, IReadOnlyList<LoadedModel> loaded, long ramTotal, long ramAvailable, long? budget)
    {
        var loading = loaded.Where(model => model.State != InstanceState.Ready).ToList();
        var rooms = gpus.Select(gpu =>
        {
            long Held(IEnumerable<LoadedModel> models) => models.Where(model => model.Placement.Gpus.Contains(gpu.Index)).Sum(model => model.Placement.GpuBytesEach);
            var free = (gpu.MemoryFreeBytes ?? 0) - Held(loading);
            var unclaimed = (gpu.MemoryTotalBytes ?? 0) - Held(loaded);
            return new GpuRoom(gpu, Math.Max(0, Math.Min(free, unclaimed)));
        }).ToList();

        var ceiling = budget ?? (ramTotal > 0 ? ramTotal : long.MaxValue);
        var ram = Math.Min(
            ramAvailable > 0 ? ramAvailable - loading.Sum(model => model.Placement.RamBytes) : long.MaxValue,
            ceiling - loaded.Sum(model => model.Placement.RamBytes));
        return new Room(rooms, Math.Max(0, ram));
    }

    private static (ModelPlacement? Placement, string? Problem) Place(RoomAsk ask, Room room) =>
        PlacementPlanner.Place(ask.Backend, ask.Traits, ask.Need, ask.Choice, ask.GpuLayers, room);

    /// <summary>A GPU backend that would run partly on the CPU runs better once a GPU has room for all of it.</summary>
    private static bool BetterOnGpu(RoomAsk ask, ModelPlacement placement, Room room) =>
        placement.RamBytes > 0 && ask.Traits.Gpu && room.Gpus.Count > 0;

    /// <summary>
    /// The least recently used idle models whose memory, given back, lets the model run at all, or
    /// wholly on GPUs when it would otherwise run (partly) on the CPU; none when no number of them would.
    /// </summary>
    private static List<LoadedModel> FewestToStop(RoomAsk ask, IReadOnlyList<LoadedModel> idle, Room room, ModelPlacement? current)
    {
        var chosen = new List<LoadedModel>();
        foreach (var model in idle)
        {
            chosen.Add(model);
            room = room.Without(model.Placement);
            var (placement, _) = Place(ask, room);
            if (placement is not null && (current is null || placement.RamBytes == 0))
            {
                return chosen;
            }
        }

        return [];
    }

    private static string NoRoom(RoomAsk ask, string? problem, IReadOnlyList<LoadedModel> loaded, IReadOnlyList<LoadedModel> idle, bool tooMany, int maxLoaded)
    {
        var models = string.Join(", ", loaded.Select(model =>
            $"'{model.Model}' ({model.State.ToWire()}{(idle.Contains(model) ? "" : model.State == InstanceState.Ready ? ", busy" : "")}, {model.Placement.Describe()})"));
        if (tooMany)
        {
            return $"cannot start '{ask.Model}': Lamina:Runner:MaxLoadedModels is {maxLoaded} and {models} are loaded and busy answering or loading; "
                + "try again when one is idle, or raise Lamina:Runner:MaxLoadedModels";
        }

        var what = loaded.Count == 0 ? "nothing else is loaded" : $"loaded: {models}";
        return $"cannot start '{ask.Model}': it needs about {ByteSize.Format(ask.Need.Bytes)} ({ask.Need.Basis}), and {problem}; {what}. "
            + "Stop a model (POST /models/{name}/stop), start this one with a smaller context_length, or choose a smaller model";
    }
}
