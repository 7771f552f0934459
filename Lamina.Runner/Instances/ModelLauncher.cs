using Lamina.Runner.Backends;
using Lamina.Runner.Gpus;
using Lamina.Runner.Placement;
using Lamina.Shared.Clients;
using Lamina.Shared.Contracts;
using Lamina.Shared.Hosting;
using Lamina.Shared.Manifest;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Lamina.Runner.Instances;

/// <summary>
/// Starts a model's backend process: asks the Registry for the model, chooses its backend and context,
/// makes room as <see cref="EvictionPolicy"/> decides, and launches it where the policy placed it.
/// </summary>
public sealed partial class ModelLauncher(
    RegistryClient registry,
    BackendResolver resolver,
    GpuInventory gpus,
    UsageRecords usage,
    BackendRecords records,
    RunningInstances running,
    TrackedTasks tasks,
    TimeProvider time,
    IOptions<RunnerOptions> options,
    ILogger<ModelLauncher> logger)
{
    // Making room and taking it are one step, or two starts at once could both see a free place.
    private readonly SemaphoreSlim _room = new(1, 1);

    /// <summary>
    /// The launched instance, not yet ready, with how long it may take to load and stay idle; else a refusal a
    /// person can act on. <paramref name="stop"/> stops a model the policy evicts to make room.
    /// </summary>
    public async Task<(Launch? Launched, StartOutcome? Refused)> LaunchAsync(
        string name, StartRequest request, Func<string, Task> stop, CancellationToken cancellationToken)
    {
        var model = await FindModelAsync(name, null, cancellationToken);
        if (model is null)
        {
            return (null, StartOutcome.Refused(StatusCodes.Status404NotFound, $"model '{name}' is not in the manifest"));
        }

        if (!model.Available)
        {
            return (null, StartOutcome.Refused(StatusCodes.Status409Conflict,
                $"model '{name}' is not on disk ({model.Reason}); download it with POST /download {{\"model\": \"{name}\"}} or place its file at {model.ResolvedPath ?? model.Path}"));
        }

        var (choice, problem) = resolver.Choose(model);
        if (choice is null)
        {
            return (null, StartOutcome.Refused(StatusCodes.Status422UnprocessableEntity, problem!));
        }

        var context = resolver.ContextFor(model, request.ContextLength);
        if (context is { } asked && model.Metadata is { EstimatedContextLength: { } estimated } && estimated != asked)
        {
            // The Registry's estimate was for another context: ask for this one's.
            model = await FindModelAsync(name, asked, cancellationToken) ?? model;
        }

        if (running.TryRemove(name, out var previous))
        {
            await previous.Process.DisposeAsync();
        }

        var ask = new RoomAsk(name, choice.Backend, MemoryNeed.Of(model, context), request.Gpu ?? GpuChoice.Auto, model.GpuLayers);
        var launchedAt = time.GetTimestamp();
        await _room.WaitAsync(cancellationToken);
        try
        {
            var (placement, refused) = await MakeRoomAsync(ask, stop, cancellationToken);
            if (placement is null)
            {
                return (null, refused);
            }

            var port = LocalMachine.FreePort();
            var plan = resolver.Plan(choice, model, port, context, placement);
            if (plan.Note is not null)
            {
                LogNote(logger, name, plan.Note);
            }

            var process = BackendProcess.Start(plan, options.Value.LogLines, BackendEnvironment.For(name, plan.Environment));
            var pid = process.Pid;
            records.Add(pid);
            tasks.Track($"Forgetting backend {pid} of {name} once it exits", process.Exited.ContinueWith(_ => records.Remove(pid), TaskScheduler.Default));
            var instance = new Instance(name, plan, placement, process, $"http://127.0.0.1:{port}", time.GetUtcNow());
            running.Add(instance);
            return (new Launch(instance, LoadTimeoutOf(model), request.KeepAlive ?? KeepAliveOf(model), launchedAt), null);
        }
        finally
        {
            _room.Release();
        }
    }

    /// <summary>The one place the Runner asks the Registry about a model.</summary>
    private Task<CatalogModel?> FindModelAsync(string name, int? contextLength, CancellationToken cancellationToken) =>
        registry.FindModelAsync(name, contextLength, cancellationToken);

    /// <summary>Stops the models the policy names until it places the model or refuses; the GPUs are read afresh after each stop.</summary>
    private async Task<(ModelPlacement? Placement, StartOutcome? Refused)> MakeRoomAsync(RoomAsk ask, Func<string, Task> stop, CancellationToken cancellationToken)
    {
        var fresh = false;
        while (true)
        {
            var loaded = running.All.Where(instance => instance.Model != ask.Model && instance.Holds).Select(AsLoaded).ToList();
            var room = await RoomAsync(loaded, fresh, cancellationToken);
            fresh = true;
            if (EvictionPolicy.FitsAsItShould(ask, loaded, room, options.Value.MaxLoadedModels) is { } fits)
            {
                return (fits, null);
            }

            switch (EvictionPolicy.Decide(ask, await WithUseAsync(loaded), room, options.Value.MaxLoadedModels))
            {
                case RoomDecision.Place place:
                    return (place.Placement, null);
                case RoomDecision.Refuse refuse:
                    return (null, StartOutcome.Refused(StatusCodes.Status503ServiceUnavailable, refuse.Problem));
                case RoomDecision.Evict evict:
                    foreach (var victim in evict.Models)
                    {
                        LogEvicting(logger, victim, ask.Model, evict.Why);
                        await stop(victim);
                    }

                    break;
            }
        }
    }

    private static LoadedModel AsLoaded(Instance instance) => new(instance.Model, instance.State, instance.Placement, instance.ReadyAt);

    private async Task<Room> RoomAsync(IReadOnlyList<LoadedModel> loaded, bool fresh, CancellationToken cancellationToken)
    {
        var reading = await gpus.ReadAsync(fresh, cancellationToken);
        var (total, available) = MachineMemory.Read();
        return EvictionPolicy.RoomFor(reading.Gpus, loaded, total, available, ByteSize.Parse(options.Value.MemoryBudget));
    }

    /// <summary>The ready models with when a request last used them and how many use them now.</summary>
    private async Task<IReadOnlyList<LoadedModel>> WithUseAsync(IReadOnlyList<LoadedModel> loaded)
    {
        var ready = loaded.Where(model => model.State == InstanceState.Ready).Select(model => model.Model).ToList();
        if (ready.Count == 0)
        {
            return loaded;
        }

        try
        {
            var used = await usage.ReadAsync(ready);
            var byModel = ready.Zip(used).ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal);
            return [.. loaded.Select(model => byModel.TryGetValue(model.Model, out var use) ? model with { LastUsed = use.LastUsed, InFlight = use.InFlight } : model)];
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Without the record of use, the one ready longest counts as least recently used.
            return loaded;
        }
    }

    private TimeSpan LoadTimeoutOf(CatalogModel model) =>
        model.LoadTimeout is { } given && KeepAliveDuration.TryParse(given, out var own) && own > TimeSpan.Zero ? own : options.Value.LoadTimeout;

    private TimeSpan KeepAliveOf(CatalogModel model) =>
        model.KeepAlive is { } given && KeepAliveDuration.TryParse(given, out var own) ? own
        : KeepAliveDuration.TryParse(options.Value.KeepAlive, out var fallback) ? fallback
        : TimeSpan.FromMinutes(5);

    [LoggerMessage(LogLevel.Information, "Stopping {Model}, the least recently used idle model, to make room for {Starting} ({Why})")]
    private static partial void LogEvicting(ILogger logger, string model, string starting, string why);

    [LoggerMessage(LogLevel.Information, "{Model}: {Note}")]
    private static partial void LogNote(ILogger logger, string model, string note);
}

/// <summary>A backend just launched: the instance, how long it may take to load, and how long it may then sit idle.</summary>
public sealed record Launch(Instance Instance, TimeSpan LoadTimeout, TimeSpan KeepAlive, long LaunchedAt);
