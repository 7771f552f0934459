using System.Collections.Concurrent;
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
/// Starts each model's backend once however many ask at the same time, watches it, and stops
/// it on request or when the Runner stops, so no backend outlives the Runner.
/// </summary>
public sealed partial class InstanceManager(
    RegistryClient registry,
    BackendResolver resolver,
    BackendProbe probe,
    InstanceStore store,
    StartLocks locks,
    UsageRecords usage,
    GpuInventory gpus,
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

    /// <summary>How often a start waiting on another Runner's start of the same model looks again.</summary>
    private static readonly TimeSpan OtherStartPoll = TimeSpan.FromMilliseconds(100);

    public IEnumerable<InstanceInfo> List() => _running.Values.Select(instance => instance.Describe());

    /// <summary>The model's latest backend, running or not, for following its output; null if it never ran.</summary>
    public BackendProcess? LatestProcess(string model) => _lastProcess.GetValueOrDefault(model);

    public InstanceInfo? Find(string model) => _running.TryGetValue(model, out var instance) ? instance.Describe() : null;

    /// <summary>The ready instance of the model, starting it first if needed; every caller shares one start.</summary>
    public Task<StartOutcome> StartAsync(string model, CancellationToken cancellationToken) => StartAsync(model, StartRequest.Default, cancellationToken);

    /// <summary>
    /// The ready instance as the request asks for it: one running with another context or on other GPUs
    /// is started again; callers at the same time share one start, the first one's request deciding.
    /// </summary>
    public async Task<StartOutcome> StartAsync(string model, StartRequest request, CancellationToken cancellationToken)
    {
        if (_running.TryGetValue(model, out var running) && running.State == InstanceStates.Ready)
        {
            if (request.Fits(running))
            {
                Apply(running, request);
                return StartOutcome.Ready(running.Describe());
            }

            LogRestartingForRequest(logger, model, running.Plan.ContextLength, running.Placement.Describe());
            await StopAsync(model);
        }

        var start = _starting.GetOrAdd(model, name => new Lazy<Task<StartOutcome>>(() => StartOnceAsync(name, request)));
        var outcome = await start.Value.WaitAsync(cancellationToken);
        if (outcome.Instance is not null && _running.TryGetValue(model, out var started))
        {
            Apply(started, request);
            return StartOutcome.Ready(started.Describe());
        }

        return outcome;
    }

    private void Apply(Instance instance, StartRequest request)
    {
        if (request.KeepAlive is { } keepAlive && instance.KeepAlive != keepAlive)
        {
            instance.KeepAlive = keepAlive;
            _ = store.SaveAsync(instance.Describe());
        }
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

    private async Task<StartOutcome> StartOnceAsync(string model, StartRequest request)
    {
        try
        {
            if (await ElsewhereAsync(model, _stopping.Token) is { } elsewhere)
            {
                return elsewhere;
            }

            return await LaunchAsync(model, request, _stopping.Token);
        }
        finally
        {
            _starting.TryRemove(model, out _);
            await ReleaseLockAsync(model);
        }
    }

    /// <summary>
    /// Another Runner's instance when one serves the model or is starting it (waited for); null when
    /// this Runner holds the start lock and starts it, or cannot reach the store and decides alone.
    /// </summary>
    private async Task<StartOutcome?> ElsewhereAsync(string model, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.Value.LoadTimeout;
        try
        {
            while (true)
            {
                // A model that failed on another Runner may start here: its lock is gone.
                if (await store.FindAsync(model) is { IsReady: true } record && record.Node != InstanceStore.Node)
                {
                    return StartOutcome.Ready(record);
                }

                if (await locks.TryTakeAsync(model))
                {
                    return null;
                }

                if (time.GetUtcNow() > deadline)
                {
                    return StartOutcome.Refused(StatusCodes.Status504GatewayTimeout,
                        $"model '{model}' has been starting on {await locks.HolderAsync(model)} for longer than Lamina:Runner:LoadTimeout ({options.Value.LoadTimeout})");
                }

                await Task.Delay(OtherStartPoll, time, cancellationToken);
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogStoreAway(logger, e.Message);
            return null;
        }
    }

    private async Task ReleaseLockAsync(string model)
    {
        try
        {
            await locks.ReleaseAsync(model);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // The lock expires by itself.
        }
    }

    private async Task<StartOutcome> LaunchAsync(string name, StartRequest request, CancellationToken cancellationToken)
    {
        var model = await registry.FindModelAsync(name, null, cancellationToken);
        if (model is null)
        {
            return StartOutcome.Refused(StatusCodes.Status404NotFound, $"model '{name}' is not in the manifest");
        }

        if (!model.Available)
        {
            return StartOutcome.Refused(StatusCodes.Status409Conflict,
                $"model '{name}' is not on disk ({model.Reason}); download it with POST /download {{\"model\": \"{name}\"}} or place its file at {model.ResolvedPath ?? model.Path}");
        }

        var (choice, problem) = resolver.Choose(model);
        if (choice is null)
        {
            return StartOutcome.Refused(StatusCodes.Status422UnprocessableEntity, problem!);
        }

        var context = resolver.ContextFor(model, request.ContextLength);
        if (context is { } asked && model.Metadata is { EstimatedContextLength: { } estimated } && estimated != asked)
        {
            // The Registry's estimate was for another context: ask for this one's.
            model = await registry.FindModelAsync(name, asked, cancellationToken) ?? model;
        }

        if (_running.TryRemove(name, out var previous))
        {
            await previous.Process.DisposeAsync();
        }

        var need = MemoryNeed.Of(model, context);
        var launchedAt = time.GetTimestamp();
        Instance instance;
        // Making room and taking it are one step, or two starts at once could both see a free place.
        await _room.WaitAsync(cancellationToken);
        try
        {
            var (placement, refused) = await MakeRoomAsync(name, choice.Backend, need, request.Gpu ?? GpuChoice.Auto, model.GpuLayers, cancellationToken);
            if (placement is null)
            {
                return refused!;
            }

            var port = LocalMachine.FreePort();
            var plan = resolver.Plan(choice, model, port, context, placement);
            if (plan.Note is not null)
            {
                LogNote(logger, name, plan.Note);
            }

            var process = BackendProcess.Start(plan, options.Value.LogLines, BackendEnvironment.For(name, plan.Environment));
            records.Add(process.Pid);
            var pid = process.Pid;
            _ = process.Exited.ContinueWith(_ => records.Remove(pid), TaskScheduler.Default);
            _lastProcess[name] = process;
            instance = new Instance(name, plan, placement, process, $"http://127.0.0.1:{port}", time.GetUtcNow());
            _running[name] = instance;
        }
        finally
        {
            _room.Release();
        }

        return await LoadAsync(instance, model, request, launchedAt, cancellationToken);
    }

    /// <summary>Waits for the started backend to answer its readiness check, and records how that ended.</summary>
    private async Task<StartOutcome> LoadAsync(Instance instance, CatalogModel model, StartRequest request, long launchedAt, CancellationToken cancellationToken)
    {
        var (name, process, backend, endpoint) = (instance.Model, instance.Process, instance.Plan.Backend, instance.Endpoint);
        LogStarting(logger, name, backend, process.Pid, endpoint, instance.Placement.Describe());
        await store.SaveAsync(instance.Describe());
        try
        {
            // Starting until the backend answers at all; llama-server then answers 503 while it loads. vLLM and MLC open their port only once loaded.
            var ready = await probe.WaitReadyAsync(endpoint + instance.Plan.ReadinessPath, process, LoadTimeoutOf(model), () => Loading(instance), cancellationToken);
            if (instance.State is InstanceStates.Stopping or InstanceStates.Stopped)
            {
                // A stop arrived while it loaded: the stop owns the record, so leave no ready or failed entry behind.
                return StartOutcome.Refused(StatusCodes.Status503ServiceUnavailable, $"model '{name}' was stopped while it loaded");
            }

            if (!ready)
            {
                instance.ExitCode = await process.Exited;
                return await FailAsync(instance, StatusCodes.Status502BadGateway,
                    $"backend {backend} for '{name}' exited with code {instance.ExitCode} while loading: {Tail(process)}");
            }
        }
        catch (TimeoutException e)
        {
            await process.StopAsync(options.Value.StopGracePeriod);
            return await FailAsync(instance, StatusCodes.Status504GatewayTimeout,
                $"model '{name}' did not load: {e.Message} (raise load_timeout in its manifest entry, or Lamina:Runner:LoadTimeout, for large models). {Tail(process)}");
        }

        instance.State = InstanceStates.Ready;
        instance.ReadyAt = time.GetUtcNow();
        instance.KeepAlive = request.KeepAlive ?? KeepAliveOf(model);
        await store.SaveAsync(instance.Describe());
        LogReady(logger, name, endpoint, time.GetElapsedTime(launchedAt).TotalMilliseconds);
        _ = WatchAsync(instance);
        return StartOutcome.Ready(instance.Describe());
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

    private void Loading(Instance instance)
    {
        if (instance.State == InstanceStates.Starting)
        {
            instance.State = InstanceStates.Loading;
            _ = store.SaveAsync(instance.Describe());
        }
    }

    private TimeSpan LoadTimeoutOf(CatalogModel model) =>
        model.LoadTimeout is { } given && KeepAliveDuration.TryParse(given, out var own) && own > TimeSpan.Zero ? own : options.Value.LoadTimeout;

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
        instance.ExitCode = code;
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
            await store.ForgetEarlierRunnersAsync();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
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

    [LoggerMessage(LogLevel.Information, "Stopping {Model}, the least recently used idle model, to make room for {Starting} ({Why})")]
    private static partial void LogEvicting(ILogger logger, string model, string starting, string why);

    [LoggerMessage(LogLevel.Warning, "The store cannot be reached at start ({Reason}); instances of an earlier Runner stay listed until it can")]
    private static partial void LogStoreAway(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Information, "Starting {Model} on {Backend} (pid {Pid}) at {Endpoint}, on {Placement}")]
    private static partial void LogStarting(ILogger logger, string model, string backend, int pid, string endpoint, string placement);

    [LoggerMessage(LogLevel.Information, "Starting {Model} again as the request asks: it runs with context {Context} on {Placement}")]
    private static partial void LogRestartingForRequest(ILogger logger, string model, int? context, string placement);

    [LoggerMessage(LogLevel.Information, "{Model}: {Note}")]
    private static partial void LogNote(ILogger logger, string model, string note);

    [LoggerMessage(LogLevel.Information, "{Model} is ready at {Endpoint} after {Milliseconds:0} ms")]
    private static partial void LogReady(ILogger logger, string model, string endpoint, double milliseconds);

    [LoggerMessage(LogLevel.Information, "{Model} stopped")]
    private static partial void LogStopped(ILogger logger, string model);

    [LoggerMessage(LogLevel.Warning, "{Model} failed: {Problem}")]
    private static partial void LogFailed(ILogger logger, string model, string problem);
}
