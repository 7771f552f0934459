using Lamina.Runner.Placement;
using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;
using StackExchange.Redis;

namespace Lamina.Runner.Instances;

/// <summary>Room for one more model: a place that fits it, made by stopping least recently used idle models where that helps.</summary>
public sealed partial class InstanceManager
{
    /// <summary>
    /// Where the model runs, after stopping the fewest least recently used idle models that let it
    /// run under MaxLoadedModels, fit at all, or fit on a GPU instead of the CPU; else a refusal
    /// naming what is loaded and what the model needs.
    /// </summary>
    private async Task<(ModelPlacement? Placement, StartOutcome? Refused)> MakeRoomAsync(
        string starting, string backend, MemoryNeed need, GpuChoice choice, int? gpuLayers, CancellationToken cancellationToken)
    {
        var traits = BackendTraits.Of(backend);
        var fresh = false;
        while (true)
        {
            var loaded = _running.Values.Where(instance => instance.Model != starting && instance.Holds).ToList();
            var room = await RoomAsync(loaded, fresh, cancellationToken);
            fresh = true;
            var (placement, problem) = PlacementPlanner.Place(backend, traits, need, choice, gpuLayers, room);
            var tooMany = loaded.Count >= options.Value.MaxLoadedModels;
            var betterOnGpu = placement is { RamBytes: > 0 } && traits.Gpu && room.Gpus.Count > 0;
            if (!tooMany && placement is not null && !betterOnGpu)
            {
                // It fits as it should: no model's use needs reading, which costs the store a round trip.
                return (placement, null);
            }

            var idle = await IdleByLastUseAsync(loaded);
            IReadOnlyList<Instance> victims = tooMany
                ? idle.Take(1).ToList()
                : FewestToStop(idle, backend, traits, need, choice, gpuLayers, room, placement);
            if (victims.Count == 0)
            {
                return placement is not null && !tooMany
                    ? (placement, null)
                    : (null, StartOutcome.Refused(StatusCodes.Status503ServiceUnavailable, NoRoom(starting, need, problem, loaded, idle, tooMany)));
            }

            foreach (var victim in victims)
            {
                LogEvicting(logger, victim.Model, starting, tooMany ? $"MaxLoadedModels is {options.Value.MaxLoadedModels}" : $"it needs {ByteSize.Format(need.Bytes)}");
                await StopAsync(victim.Model);
            }
        }
    }

    /// <summary>
    /// The least recently used idle models whose memory, given back, lets the model run at all, or
    /// wholly on GPUs when it would otherwise run (partly) on the CPU; none when no number of them would.
    /// </summary>
    private static IReadOnlyList<Instance> FewestToStop(
        IReadOnlyList<Instance> idle, string backend, BackendTraits traits, MemoryNeed need, GpuChoice choice, int? gpuLayers, Room room, ModelPlacement? current)
    {
        var chosen = new List<Instance>();
        foreach (var instance in idle)
        {
            chosen.Add(instance);
            room = room.Without(instance.Placement);
            var (placement, _) = PlacementPlanner.Place(backend, traits, need, choice, gpuLayers, room);
            if (placement is not null && (current is null || placement.RamBytes == 0))
            {
                return chosen;
            }
        }

        return [];
    }

    /// <summary>
    /// Free memory per GPU and in RAM, less what Lamina's own models hold or are about to: a model
    /// still loading has not allocated yet, and a GPU reading can be up to a second old.
    /// </summary>
    private async Task<Room> RoomAsync(IReadOnlyList<Instance> loaded, bool fresh, CancellationToken cancellationToken)
    {
        var reading = await gpus.ReadAsync(fresh, cancellationToken);
        var loading = loaded.Where(instance => instance.State != InstanceStates.Ready).ToList();
        var rooms = reading.Gpus.Select(gpu =>
        {
            long Held(IEnumerable<Instance> instances) => instances.Where(instance => instance.Placement.Gpus.Contains(gpu.Index)).Sum(instance => instance.Placement.GpuBytesEach);
            var free = (gpu.MemoryFreeBytes ?? 0) - Held(loading);
            var unclaimed = (gpu.MemoryTotalBytes ?? 0) - Held(loaded);
            return new GpuRoom(gpu, Math.Max(0, Math.Min(free, unclaimed)));
        }).ToList();

        var (total, available) = MachineMemory.Read();
        var budget = ByteSize.Parse(options.Value.MemoryBudget) ?? (total > 0 ? total : long.MaxValue);
        var ram = Math.Min(
            available > 0 ? available - loading.Sum(instance => instance.Placement.RamBytes) : long.MaxValue,
            budget - loaded.Sum(instance => instance.Placement.RamBytes));
        return new Room(rooms, Math.Max(0, ram));
    }

    /// <summary>The ready models no request is using, least recently used first.</summary>
    private async Task<IReadOnlyList<Instance>> IdleByLastUseAsync(IReadOnlyList<Instance> loaded)
    {
        var ready = loaded.Where(instance => instance.State == InstanceStates.Ready).ToList();
        if (ready.Count == 0)
        {
            return [];
        }

        IReadOnlyList<UsageRecords.Usage> used;
        try
        {
            used = await usage.ReadAsync([.. ready.Select(instance => instance.Model)]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Without the record of use, the one ready longest counts as least recently used.
            used = [.. ready.Select(_ => new UsageRecords.Usage(DateTimeOffset.MinValue, 0))];
        }

        return ready.Select((instance, i) => (Instance: instance, Usage: used[i]))
            .Where(pair => pair.Usage.InFlight <= 0)
            .OrderBy(pair => pair.Usage.LastUsed > pair.Instance.ReadyAt ? pair.Usage.LastUsed : pair.Instance.ReadyAt)
            .Select(pair => pair.Instance)
            .ToList();
    }

    private string NoRoom(string starting, MemoryNeed need, string? problem, IReadOnlyList<Instance> loaded, IReadOnlyList<Instance> idle, bool tooMany)
    {
        var models = string.Join(", ", loaded.Select(instance =>
            $"'{instance.Model}' ({instance.State}{(idle.Contains(instance) ? "" : instance.State == InstanceStates.Ready ? ", busy" : "")}, {instance.Placement.Describe()})"));
        if (tooMany)
        {
            return $"cannot start '{starting}': Lamina:Runner:MaxLoadedModels is {options.Value.MaxLoadedModels} and {models} are loaded and busy answering or loading; "
                + "try again when one is idle, or raise Lamina:Runner:MaxLoadedModels";
        }

        var what = loaded.Count == 0 ? "nothing else is loaded" : $"loaded: {models}";
        return $"cannot start '{starting}': it needs about {ByteSize.Format(need.Bytes)} ({need.Basis}), and {problem}; {what}. "
            + "Stop a model (POST /models/{name}/stop), start this one with a smaller context_length, or choose a smaller model";
    }
}
