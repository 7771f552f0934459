using Lamina.Runner.Backends;
using Lamina.Shared.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Lamina.Runner.Instances;

/// <summary>
/// The Runner's instances as its API and idle stopper see them: starts a model's backend once however
/// many ask at the same time (<see cref="StartCoordinator"/>), launched by <see cref="ModelLauncher"/>
/// and watched by <see cref="BackendSupervisor"/>; stops it on request or when the Runner stops, so no
/// backend outlives the Runner; and at start ends the backends a dead Runner left behind.
/// </summary>
public sealed partial class InstanceManager(
    StartCoordinator coordinator,
    ModelLauncher launcher,
    BackendSupervisor supervisor,
    RunningInstances running,
    InstanceStore store,
    BackendRecords records,
    TrackedTasks tasks,
    IOptions<RunnerOptions> options,
    ILogger<InstanceManager> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();

    public IEnumerable<InstanceInfo> List() => running.All.Select(instance => instance.Describe());

    /// <summary>The model's latest backend, running or not, for following its output; null if it never ran.</summary>
    public BackendProcess? LatestProcess(string model) => running.LatestProcess(model);

    public InstanceInfo? Find(string model) => running.TryGet(model, out var instance) ? instance.Describe() : null;

    /// <summary>The ready instances, for the idle stopper.</summary>
    public IEnumerable<Instance> Ready => running.All.Where(instance => instance.State == InstanceState.Ready);

    /// <summary>The ready instance of the model, starting it first if needed; every caller shares one start.</summary>
    public Task<StartOutcome> StartAsync(string model, CancellationToken cancellationToken) => StartAsync(model, StartRequest.Default, cancellationToken);

    /// <summary>
    /// The ready instance as the request asks for it: one running with another context or on other GPUs
    /// is started again; callers at the same time share one start, the first one's request deciding.
    /// </summary>
    public async Task<StartOutcome> StartAsync(string model, StartRequest request, CancellationToken cancellationToken)
    {
        if (running.TryGet(model, out var current) && current.State == InstanceState.Ready)
        {
            if (request.Fits(current))
            {
                Apply(current, request);
                return StartOutcome.Ready(current.Describe());
            }

            LogRestartingForRequest(logger, model, current.Plan.ContextLength, current.Placement.Describe());
            await StopAsync(model);
        }

        var outcome = await coordinator.StartAsync(model, token => LaunchAsync(model, request, token), cancellationToken);
        if (outcome.Instance is not null && running.TryGet(model, out var started))
        {
            Apply(started, request);
            return StartOutcome.Ready(started.Describe());
        }

        return outcome;
    }

    /// <summary>Launches the backend, waits until it is ready, and from then on keeps it up.</summary>
    private async Task<StartOutcome> LaunchAsync(string model, StartRequest request, CancellationToken cancellationToken)
    {
        var (launched, refused) = await launcher.LaunchAsync(model, request, victim => StopAsync(victim), cancellationToken);
        if (launched is null)
        {
            return refused!;
        }

        var outcome = await supervisor.LoadAsync(launched.Instance, launched.LoadTimeout, launched.KeepAlive, launched.LaunchedAt, cancellationToken);
        if (outcome.Instance is not null)
        {
            supervisor.Watch(launched.Instance, StartAsync, _stopping.Token);
        }

        return outcome;
    }

    private void Apply(Instance instance, StartRequest request)
    {
        if (request.KeepAlive is { } keepAlive && instance.KeepAlive != keepAlive)
        {
            instance.KeepAlive = keepAlive;
            tasks.Run($"Recording the keep_alive of {instance.Model}", () => store.SaveAsync(instance.Describe()));
        }
    }

    /// <summary>Sets how long the running model may sit idle, over what its manifest entry says.</summary>
    public void KeepLoaded(string model, TimeSpan keepAlive)
    {
        if (running.TryGet(model, out var instance))
        {
            instance.KeepAlive = keepAlive;
        }
    }

    public async Task<InstanceInfo?> StopAsync(string model)
    {
        // A stop also calls off a restart that a crash scheduled.
        await supervisor.CallOffAsync(model);
        if (!running.TryRemove(model, out var instance))
        {
            return null;
        }

        if (!instance.Lifecycle.TryMoveTo(InstanceState.Stopping))
        {
            // It failed meanwhile: its failed record says why, and its backend has ended.
            return instance.Describe();
        }

        await store.SaveAsync(instance.Describe());
        await instance.Process.StopAsync(options.Value.StopGracePeriod);
        instance.Lifecycle.MoveTo(InstanceState.Stopped);
        await store.RemoveAsync(model);
        LogStopped(logger, model);
        return instance.Describe();
    }

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

    /// <summary>Calls off starts and restarts, stops every backend, and waits for the work left on the side.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await coordinator.CancelAsync();
        await Task.WhenAll(running.Models.ToList().Select(StopAsync));
        await tasks.DrainAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "The store cannot be reached at start ({Reason}); instances of an earlier Runner stay listed until it can")]
    private static partial void LogStoreAway(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Information, "Starting {Model} again as the request asks: it runs with context {Context} on {Placement}")]
    private static partial void LogRestartingForRequest(ILogger logger, string model, int? context, string placement);

    [LoggerMessage(LogLevel.Information, "{Model} stopped")]
    private static partial void LogStopped(ILogger logger, string model);
}
