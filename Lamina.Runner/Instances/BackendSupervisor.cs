using System.Collections.Concurrent;
using Lamina.Runner.Backends;
using Microsoft.Extensions.Options;

namespace Lamina.Runner.Instances;

/// <summary>
/// Watches a launched backend: waits for its readiness check and records how loading ended; once it is
/// ready, marks a crash as failed at once and starts the model again after a backoff, a bounded number
/// of times (<see cref="CrashRestarts"/>). Every state change goes through the instance's lifecycle, so a
/// stop that arrives meanwhile wins without a failed or ready record left behind.
/// </summary>
public sealed partial class BackendSupervisor(
    BackendProbe probe,
    InstanceStore store,
    RunningInstances running,
    CrashRestarts restarts,
    TrackedTasks tasks,
    TimeProvider time,
    IOptions<RunnerOptions> options,
    ILogger<BackendSupervisor> logger)
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _keptUp = new(StringComparer.Ordinal);

    /// <summary>Waits for the started backend to respond to its readiness check, and records how that ended.</summary>
    public async Task<StartOutcome> LoadAsync(Instance instance, TimeSpan loadTimeout, TimeSpan keepAlive, long launchedAt, CancellationToken cancellationToken)
    {
        var (name, process, backend, endpoint) = (instance.Model, instance.Process, instance.Plan.Backend, instance.Endpoint);
        LogStarting(logger, name, backend, process.Pid, endpoint, instance.Placement.Describe());
        await store.SaveAsync(instance.Describe());
        try
        {
            // Starting until the backend responds at all; llama-server then returns 503 while it loads. vLLM and MLC open their port only once loaded.
            if (!await probe.WaitReadyAsync(endpoint + instance.Plan.ReadinessPath, process, loadTimeout, () => Loading(instance), cancellationToken))
            {
                var code = await process.Exited;
                return await FailAsync(instance, StatusCodes.Status502BadGateway,
                    $"backend {backend} for '{name}' exited with code {code} while loading: {Tail(process)}", code);
            }
        }
        catch (TimeoutException e)
        {
            await process.StopAsync(options.Value.StopGracePeriod);
            return await FailAsync(instance, StatusCodes.Status504GatewayTimeout,
                $"model '{name}' did not load: {e.Message} (raise load_timeout in its manifest entry, or Lamina:Runner:LoadTimeout, for large models). {Tail(process)}");
        }

        instance.ReadyAt = time.GetUtcNow();
        instance.KeepAlive = keepAlive;
        if (!instance.Lifecycle.TryMoveTo(InstanceState.Ready))
        {
            return StoppedWhileLoading(name);
        }

        await store.SaveAsync(instance.Describe());
        LogReady(logger, name, endpoint, time.GetElapsedTime(launchedAt).TotalMilliseconds);
        return StartOutcome.Ready(instance.Describe());
    }

    /// <summary>
    /// Keeps the ready instance's model up: after a crash, <paramref name="restart"/> starts it again after
    /// the backoff. A model already kept up (this is its own restart) is not watched twice.
    /// </summary>
    public void Watch(Instance instance, Func<string, CancellationToken, Task<StartOutcome>> restart, CancellationToken stopping)
    {
        var keepUp = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var token = keepUp.Token;
        if (!_keptUp.TryAdd(instance.Model, keepUp))
        {
            keepUp.Dispose();
            return;
        }

        tasks.Track($"Watching {instance.Model}", KeepUpAsync(instance, restart, keepUp, token));
    }

    /// <summary>Stops keeping the model up (it is being stopped): a restart waiting on its backoff is called off.</summary>
    public async Task CallOffAsync(string model)
    {
        if (_keptUp.TryRemove(model, out var keepUp))
        {
            try
            {
                await keepUp.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // Its watch ended meanwhile: nothing is left to call off.
            }
        }
    }

    /// <summary>The watch owns <paramref name="keepUp"/> and disposes it; <paramref name="token"/> is its token, taken before anyone could cancel it.</summary>
    private async Task KeepUpAsync(Instance first, Func<string, CancellationToken, Task<StartOutcome>> restart, CancellationTokenSource keepUp, CancellationToken token)
    {
        var model = first.Model;
        int? lastCode = null;
        try
        {
            await restarts.KeepUpAsync(async (again, cancellationToken) =>
            {
                var instance = first;
                if (again)
                {
                    LogRestarting(logger, model, lastCode ?? 0);
                    var outcome = await restart(model, cancellationToken);
                    if (outcome.Instance is null || !running.TryGet(model, out instance) || instance.State != InstanceState.Ready)
                    {
                        return BackendExit.Ended;
                    }
                }

                var code = await instance.Process.Exited.WaitAsync(cancellationToken);
                lastCode = code;
                return await CrashedAsync(instance, code);
            }, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped meanwhile, or the Runner is stopping.
        }
        finally
        {
            _keptUp.TryRemove(KeyValuePair.Create(model, keepUp));
            keepUp.Dispose();
        }
    }

    /// <summary>A ready backend that exited by itself: failed at once, with when (or whether) it starts again.</summary>
    private async Task<BackendExit> CrashedAsync(Instance instance, int code)
    {
        // A stop takes the instance out before it ends the backend: then the exit is no crash.
        if (!running.Remove(instance) || !instance.Lifecycle.TryMoveTo(InstanceState.Failed))
        {
            return BackendExit.Ended;
        }

        var model = instance.Model;
        var wait = restarts.Crashed(model);
        var next = wait is { } delay
            ? $"restarting in {delay.TotalSeconds:0.#} s"
            : $"it crashed more than {restarts.Most} times in ten minutes, so it is not restarted; POST /models/{model}/start to try again";
        await RecordFailureAsync(instance, StatusCodes.Status502BadGateway, $"backend exited with code {code}: {Tail(instance.Process)}; {next}", code);
        return new BackendExit(code, wait);
    }

    private async Task<StartOutcome> FailAsync(Instance instance, int status, string problem, int? code = null) =>
        instance.Lifecycle.TryMoveTo(InstanceState.Failed)
            ? await RecordFailureAsync(instance, status, problem, code)
            : StoppedWhileLoading(instance.Model);

    private async Task<StartOutcome> RecordFailureAsync(Instance instance, int status, string problem, int? code)
    {
        running.Remove(instance);
        instance.ExitCode = code;
        instance.Message = problem;
        await store.SaveAsync(instance.Describe());
        LogFailed(logger, instance.Model, problem);
        return StartOutcome.Refused(status, problem);
    }

    /// <summary>A stop arrived while it loaded: the stop owns the record, so no ready or failed entry is left behind.</summary>
    private static StartOutcome StoppedWhileLoading(string model) =>
        StartOutcome.Refused(StatusCodes.Status503ServiceUnavailable, $"model '{model}' was stopped while it loaded");

    private void Loading(Instance instance)
    {
        if (instance.Lifecycle.TryMoveTo(InstanceState.Loading))
        {
            tasks.Run($"Recording {instance.Model} as loading", () => store.SaveAsync(instance.Describe()));
        }
    }

    private static string Tail(BackendProcess process) =>
        string.Join(" | ", process.RecentOutput.TakeLast(5));

    [LoggerMessage(LogLevel.Information, "Starting {Model} on {Backend} (pid {Pid}) at {Endpoint}, on {Placement}")]
    private static partial void LogStarting(ILogger logger, string model, string backend, int pid, string endpoint, string placement);

    [LoggerMessage(LogLevel.Information, "{Model} is ready at {Endpoint} after {Milliseconds:0} ms")]
    private static partial void LogReady(ILogger logger, string model, string endpoint, double milliseconds);

    [LoggerMessage(LogLevel.Warning, "{Model} crashed (exit code {Code}); starting it again")]
    private static partial void LogRestarting(ILogger logger, string model, int code);

    [LoggerMessage(LogLevel.Warning, "{Model} failed: {Problem}")]
    private static partial void LogFailed(ILogger logger, string model, string problem);
}
