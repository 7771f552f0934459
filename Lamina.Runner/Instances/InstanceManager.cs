using System.Collections.Concurrent;
using Lamina.Runner.Backends;
using Lamina.Shared.Contracts;
using Lamina.Shared.Hosting;
using Lamina.Shared.Manifest;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Lamina.Runner.Instances;

/// <summary>
/// Starts each model's backend once however many ask at the same time, watches it, and stops
/// it on request or when the Runner stops, so no backend outlives the Runner.
/// </summary>
public sealed partial class InstanceManager(
    RegistryClient registry,
    BackendResolver resolver,
    BackendProbe probe,
    InstanceStore store,
    UsageRecords usage,
    BackendRecords records,
    TimeProvider time,
    IOptions<RunnerOptions> options,
    ILogger<InstanceManager> logger) : IHostedService
{
    private readonly ConcurrentDictionary<string, Instance> _running = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<StartOutcome>>> _starting = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, BackendProcess> _lastProcess = new();
    private readonly SemaphoreSlim _room = new(1, 1);
    private readonly CrashRestarts _restarts = new(options.Value.MaxRestarts, options.Value.RestartDelay, time);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _pendingRestarts = new(StringComparer.Ordinal);

    public IEnumerable<InstanceInfo> List() => _running.Values.Select(instance => instance.Describe());

    /// <summary>The model's latest backend, running or not, for following its output; null if it never ran.</summary>
    public BackendProcess? LatestProcess(string model) => _lastProcess.GetValueOrDefault(model);

    public InstanceInfo? Find(string model) => _running.TryGetValue(model, out var instance) ? instance.Describe() : null;

    /// <summary>The ready instance of the model, starting it first if needed; every caller shares one start.</summary>
    public Task<StartOutcome> StartAsync(string model, CancellationToken cancellationToken)
    {
        if (_running.TryGetValue(model, out var running) && running.State == InstanceStates.Ready)
        {
            return Task.FromResult(StartOutcome.Ready(running.Describe()));
        }

        var start = _starting.GetOrAdd(model, name => new Lazy<Task<StartOutcome>>(() => StartOnceAsync(name)));
        return start.Value.WaitAsync(cancellationToken);
    }

    public async Task<InstanceInfo?> StopAsync(string model)
    {
        // A stop also calls off a restart that a crash scheduled.
        if (_pendingRestarts.TryRemove(model, out var restart))
        {
            await restart.CancelAsync();
        }

        if (!_running.TryRemove(model, out var instance))
        {
            return null;
        }

        instance.State = InstanceStates.Stopping;
        await store.SaveAsync(instance.Describe());
        await instance.Process.StopAsync(options.Value.StopGracePeriod);
        instance.State = InstanceStates.Stopped;
        await store.RemoveAsync(model);
        LogStopped(logger, model);
        return instance.Describe();
    }

    private async Task<StartOutcome> StartOnceAsync(string model)
    {
        try
        {
            return await LaunchAsync(model, _stopping.Token);
        }
        finally
        {
            _starting.TryRemove(model, out _);
        }
    }

    private async Task<StartOutcome> LaunchAsync(string name, CancellationToken cancellationToken)
    {
        var model = await registry.FindAsync(name, cancellationToken);
        if (model is null)
        {
            return StartOutcome.Refused(StatusCodes.Status404NotFound, $"model '{name}' is not in the manifest");
        }

        if (!model.Available)
        {
            return StartOutcome.Refused(StatusCodes.Status409Conflict,
                $"model '{name}' is not on disk ({model.Reason}); download it with POST /download {{\"model\": \"{name}\"}} or place its file at {model.ResolvedPath ?? model.Path}");
        }

        if (_running.TryRemove(name, out var previous))
        {
            await previous.Process.DisposeAsync();
        }

        var port = LocalMachine.FreePort();
        var (plan, problem) = resolver.Resolve(model, port);
        if (plan is null)
        {
            return StartOutcome.Refused(StatusCodes.Status422UnprocessableEntity, problem!);
        }

        if (plan.Note is not null)
        {
            LogNote(logger, name, plan.Note);
        }

        var endpoint = $"http://127.0.0.1:{port}";
        var launchedAt = time.GetTimestamp();
        Instance instance;
        BackendProcess process;
        // Making room and taking it are one step, or two starts at once could both see a free place.
        await _room.WaitAsync(cancellationToken);
        try
        {
            if (await MakeRoomAsync(name) is { } refused)
            {
                return refused;
            }

            process = BackendProcess.Start(plan, options.Value.LogLines, BackendEnvironment.For(name));
            records.Add(process.Pid);
            var pid = process.Pid;
            _ = process.Exited.ContinueWith(_ => records.Remove(pid), TaskScheduler.Default);
            _lastProcess[name] = process;
            instance = new Instance(name, plan, process, endpoint, time.GetUtcNow());
            _running[name] = instance;
        }
        finally
        {
            _room.Release();
        }

        LogStarting(logger, name, plan.Backend, process.Pid, endpoint);
        await store.SaveAsync(instance.Describe());

        try
        {
            var ready = await probe.WaitReadyAsync(endpoint, process, options.Value.LoadTimeout, cancellationToken);
            if (instance.State is InstanceStates.Stopping or InstanceStates.Stopped)
            {
                // A stop arrived while it loaded: the stop owns the record, so leave no ready or failed entry behind.
                return StartOutcome.Refused(StatusCodes.Status503ServiceUnavailable, $"model '{name}' was stopped while it loaded");
            }

            if (!ready)
            {
                return await FailAsync(instance, StatusCodes.Status502BadGateway,
                    $"backend {plan.Backend} for '{name}' exited with code {await process.Exited} while loading: {Tail(process)}");
            }
        }
        catch (TimeoutException e)
        {
            await process.StopAsync(options.Value.StopGracePeriod);
            return await FailAsync(instance, StatusCodes.Status504GatewayTimeout,
                $"model '{name}' did not load: {e.Message} (raise Lamina:Runner:LoadTimeout for large models). {Tail(process)}");
        }

        instance.State = InstanceStates.Ready;
        instance.ReadyAt = time.GetUtcNow();
        instance.KeepAlive = KeepAliveOf(model);
        await store.SaveAsync(instance.Describe());
        LogReady(logger, name, endpoint, time.GetElapsedTime(launchedAt).TotalMilliseconds);
        _ = WatchAsync(instance);
        return StartOutcome.Ready(instance.Describe());
    }

    /// <summary>
    /// Stops the least recently used idle models until one more fits under MaxLoadedModels; a
    /// refusal naming what is loaded when every loaded model is busy or still loading.
    /// </summary>
    private async Task<StartOutcome?> MakeRoomAsync(string starting)
    {
        var most = options.Value.MaxLoadedModels;
        var loaded = _running.Values.Where(instance => instance.Model != starting && instance.State is InstanceStates.Loading or InstanceStates.Ready).ToList();
        var excess = loaded.Count - most + 1;
        if (excess <= 0)
        {
            return null;
        }

        IReadOnlyList<UsageRecords.Usage> used;
        try
        {
            used = await usage.ReadAsync([.. loaded.Select(instance => instance.Model)]);
        }
        catch (RedisException)
        {
            // Without the record of use, the one ready longest counts as least recently used.
            used = [.. loaded.Select(_ => new UsageRecords.Usage(DateTimeOffset.MinValue, 0))];
        }

        var idle = loaded.Select((instance, i) => (Instance: instance, Usage: used[i]))
            .Where(pair => pair.Instance.State == InstanceStates.Ready && pair.Usage.InFlight <= 0)
            .OrderBy(pair => pair.Usage.LastUsed > pair.Instance.ReadyAt ? pair.Usage.LastUsed : pair.Instance.ReadyAt)
            .Select(pair => pair.Instance)
            .Take(excess)
            .ToList();
        if (idle.Count < excess)
        {
            return StartOutcome.Refused(StatusCodes.Status503ServiceUnavailable,
                $"cannot start '{starting}': Lamina:Runner:MaxLoadedModels is {most} and {string.Join(", ", loaded.Select(instance => $"'{instance.Model}' ({instance.State})"))} "
                + "are loaded and busy answering or loading; try again when one is idle, or raise Lamina:Runner:MaxLoadedModels");
        }

        foreach (var victim in idle)
        {
            LogEvicting(logger, victim.Model, starting, most);
            await StopAsync(victim.Model);
        }

        return null;
    }

    /// <summary>Sets how long the running model may sit idle, over what its manifest entry says.</summary>
    public void KeepLoaded(string model, TimeSpan keepAlive)
    {
        if (_running.TryGetValue(model, out var instance))
        {
            instance.KeepAlive = keepAlive;
        }
    }

    /// <summary>The ready instances, for the idle stopper.</summary>
    public IEnumerable<Instance> Ready => _running.Values.Where(instance => instance.State == InstanceStates.Ready);

    private TimeSpan KeepAliveOf(CatalogModel model) =>
        model.KeepAlive is { } given && KeepAliveDuration.TryParse(given, out var own) ? own
        : KeepAliveDuration.TryParse(options.Value.KeepAlive, out var fallback) ? fallback
        : TimeSpan.FromMinutes(5);

    /// <summary>Marks a ready backend that exits as failed at once, then starts it again after a backoff, a bounded number of times.</summary>
    private async Task WatchAsync(Instance instance)
    {
        var code = await instance.Process.Exited;
        if (instance.State != InstanceStates.Ready || !_running.TryRemove(instance.Model, out _))
        {
            return;
        }

        var model = instance.Model;
        var wait = _restarts.Crashed(model);
        var next = wait is { } delay
            ? $"restarting in {delay.TotalSeconds:0.#} s"
            : $"it crashed more than {options.Value.MaxRestarts} times in ten minutes, so it is not restarted; POST /models/{model}/start to try again";
        await FailAsync(instance, StatusCodes.Status502BadGateway, $"backend exited with code {code}: {Tail(instance.Process)}; {next}");
        if (wait is null)
        {
            return;
        }

        using var restart = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        _pendingRestarts[model] = restart;
        try
        {
            await Task.Delay(wait.Value, time, restart.Token);
            LogRestarting(logger, model, code);
            await StartAsync(model, restart.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopped meanwhile, or the Runner is stopping.
        }
        finally
        {
            _pendingRestarts.TryRemove(KeyValuePair.Create(model, restart));
        }
    }

    private async Task<StartOutcome> FailAsync(Instance instance, int status, string problem)
    {
        _running.TryRemove(instance.Model, out _);
        instance.State = InstanceStates.Failed;
        instance.Message = problem;
        await store.SaveAsync(instance.Describe());
        LogFailed(logger, instance.Model, problem);
        return StartOutcome.Refused(status, problem);
    }

    private static string Tail(BackendProcess process) =>
        string.Join(" | ", process.RecentOutput.TakeLast(5));

    /// <summary>
    /// Ends the backends a previous Runner left running, and forgets the instances it recorded; a
    /// store that is away then does not keep the Runner from starting.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await records.EndLeftoversAsync(options.Value.StopGracePeriod, cancellationToken);
        try
        {
            await store.ClearAsync();
        }
        catch (RedisException e)
        {
            LogStoreAway(logger, e.Message);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Keys.ToList().Select(StopAsync));
    }

    [LoggerMessage(LogLevel.Warning, "{Model} crashed (exit code {Code}); starting it again")]
    private static partial void LogRestarting(ILogger logger, string model, int code);

    [LoggerMessage(LogLevel.Information, "Stopping {Model}, the least recently used idle model, to make room for {Starting} (MaxLoadedModels {Most})")]
    private static partial void LogEvicting(ILogger logger, string model, string starting, int most);

    [LoggerMessage(LogLevel.Warning, "The store cannot be reached at start ({Reason}); instances of an earlier Runner stay listed until it can")]
    private static partial void LogStoreAway(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Information, "Starting {Model} on {Backend} (pid {Pid}) at {Endpoint}")]
    private static partial void LogStarting(ILogger logger, string model, string backend, int pid, string endpoint);

    [LoggerMessage(LogLevel.Information, "{Model}: {Note}")]
    private static partial void LogNote(ILogger logger, string model, string note);

    [LoggerMessage(LogLevel.Information, "{Model} is ready at {Endpoint} after {Milliseconds:0} ms")]
    private static partial void LogReady(ILogger logger, string model, string endpoint, double milliseconds);

    [LoggerMessage(LogLevel.Information, "{Model} stopped")]
    private static partial void LogStopped(ILogger logger, string model);

    [LoggerMessage(LogLevel.Warning, "{Model} failed: {Problem}")]
    private static partial void LogFailed(ILogger logger, string model, string problem);
}
