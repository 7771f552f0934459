using Lamina.Runner.Backends;
using Lamina.Runner.Instances;
using Lamina.Runner.Placement;
using Lamina.Shared.Contracts;
using Microsoft.AspNetCore.Http;
using Lamina.Shared.Hosting;
using Lamina.TestSupport.Backends;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lamina.Runner.Tests;

/// <summary>Readiness and crash restarts against real backend processes (the fake llama-server), recorded in a real store.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BackendSupervisorTests : IClassFixture<StoreFixture>, IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("lamina-supervisor-");
    private readonly string _llamaServer;
    private readonly WatchedClock _time = new();
    private readonly IOptions<RunnerOptions> _options = Options.Create(new RunnerOptions { MaxRestarts = 2, StopGracePeriod = TimeSpan.FromSeconds(2) });
    private readonly InstanceStore _store;
    private readonly RunningInstances _running = new();
    private readonly TrackedTasks _tasks = new(NullLogger<TrackedTasks>.Instance);
    private readonly BackendProbe _probe = new(TimeProvider.System);
    private readonly BackendSupervisor _supervisor;
    private readonly List<BackendProcess> _processes = [];
    private readonly List<Instance> _launched = [];

    public BackendSupervisorTests(StoreFixture store)
    {
        _llamaServer = Path.Combine(FakeBackends.Install(Path.Combine(_root.FullName, "bin")), "llama-server");
        _store = store.Instances(_options, TimeProvider.System);
        // The probe polls on the real clock; the backoff between restarts runs on the fake one.
        _supervisor = new BackendSupervisor(_probe, _store, _running, new CrashRestarts(2, TimeSpan.FromSeconds(1), _time), _tasks,
            _time, _options, NullLogger<BackendSupervisor>.Instance);
    }

    [Fact]
    public async Task ABackendIsReadyOnceItAnswersItsReadinessCheck()
    {
        var instance = Launch(Model(), loadMs: 300);

        var outcome = await _supervisor.LoadAsync(instance, Wait, TimeSpan.FromMinutes(5), _time.GetTimestamp(), CancellationToken.None);

        Assert.Equal(InstanceState.Ready, instance.State);
        Assert.Equal((InstanceStates.Ready, "5m"), (outcome.Instance?.State, outcome.Instance?.KeepAlive));
        Assert.Equal(InstanceStates.Ready, (await _store.FindAsync(instance.Model))?.State);
    }

    [Fact]
    public async Task ABackendThatExitsWhileLoadingFailsWithItsExitCodeAndLastWords()
    {
        var instance = Launch(Model(), new LaunchPlan("llama.cpp", "/bin/sh", ["-c", "echo no such model file >&2; exit 7"]));

        var outcome = await _supervisor.LoadAsync(instance, Wait, TimeSpan.FromMinutes(5), _time.GetTimestamp(), CancellationToken.None);

        Assert.Equal(StatusCodes.Status502BadGateway, outcome.Status);
        Assert.Equal($"backend llama.cpp for '{instance.Model}' exited with code 7 while loading: no such model file", outcome.Problem);
        Assert.Equal((InstanceState.Failed, 7), (instance.State, instance.ExitCode));
        Assert.False(_running.TryGet(instance.Model, out _));
        await WaitForRecordAsync(instance.Model, (InstanceStates.Failed, 7));
    }

    [Fact]
    public async Task ACrashedBackendStartsAgainAfterItsBackoffAndIsFailedWithItsExitCodeOnceItCrashedTooOften()
    {
        var model = Model();
        var restarts = new List<DateTimeOffset>();
        async Task<StartOutcome> Restart(string name, CancellationToken token)
        {
            lock (restarts)
            {
                restarts.Add(_time.GetUtcNow());
            }

            var again = Launch(name, loadMs: 0, exitAfterMs: 1500);
            var outcome = await _supervisor.LoadAsync(again, Wait, TimeSpan.FromMinutes(5), _time.GetTimestamp(), token);
            // As the Runner does after every ready start: a model already kept up is not watched twice.
            _supervisor.Watch(again, Restart, CancellationToken.None);
            return outcome;
        }

        var first = Launch(model, loadMs: 0, exitAfterMs: 1500);
        var loaded = await _supervisor.LoadAsync(first, Wait, TimeSpan.FromMinutes(5), _time.GetTimestamp(), CancellationToken.None);
        Assert.True(loaded.Instance is not null, loaded.Problem);
        _supervisor.Watch(first, Restart, CancellationToken.None);

        await WaitForAsync(() => first.State == InstanceState.Failed);
        Assert.Equal(3, first.ExitCode);
        Assert.EndsWith("; restarting in 1 s", first.Message);
        await BackoffAsync(TimeSpan.FromSeconds(1), restarts, 1);
        await CrashOfAsync(model, 2);
        Assert.EndsWith("; restarting in 2 s", Latest(model).Message);
        await BackoffAsync(TimeSpan.FromSeconds(2), restarts, 2);
        await CrashOfAsync(model, 3);

        var last = Latest(model);
        Assert.Equal((InstanceState.Failed, 3), (last.State, last.ExitCode));
        Assert.EndsWith($"it crashed more than 2 times in ten minutes, so it is not restarted; POST /models/{model}/start to try again", last.Message);
        await WaitForRecordAsync(model, (InstanceStates.Failed, 3));
        _time.Advance(TimeSpan.FromMinutes(1));
        await WaitForAsync(() => _tasks.Count == 0);
        Assert.Equal(2, Count(restarts));
    }

    [Fact]
    public async Task AStopDuringTheBackoffCallsTheRestartOff()
    {
        var restarted = false;
        var instance = Launch(Model(), loadMs: 0, exitAfterMs: 1500);
        await _supervisor.LoadAsync(instance, Wait, TimeSpan.FromMinutes(5), _time.GetTimestamp(), CancellationToken.None);
        _supervisor.Watch(instance, (_, _) =>
        {
            restarted = true;
            return Task.FromResult(StartOutcome.Refused(500, "must not restart"));
        }, CancellationToken.None);
        await WaitForAsync(() => instance.State == InstanceState.Failed);
        await _time.TimerSetAsync();

        await _supervisor.CallOffAsync(instance.Model);
        _time.Advance(TimeSpan.FromMinutes(1));
        await WaitForAsync(() => _tasks.Count == 0);

        Assert.False(restarted);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        _probe.Dispose();
        _root.Delete(recursive: true);
    }

    private Instance Launch(string model, int loadMs, int? exitAfterMs = null)
    {
        var port = LocalMachine.FreePort();
        var plan = new LaunchPlan("llama.cpp", _llamaServer, ["-m", "tiny.gguf", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            Environment = new Dictionary<string, string?>
            {
                ["LAMINA_FAKE_LOAD_MS"] = loadMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["LAMINA_FAKE_EXIT_AFTER_MS"] = exitAfterMs?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        return Launch(model, plan, $"http://127.0.0.1:{port}");
    }

    private Instance Launch(string model, LaunchPlan plan, string endpoint = "http://127.0.0.1:1")
    {
        var process = BackendProcess.Start(plan, 50, plan.Environment);
        var instance = new Instance(model, plan, ModelPlacement.Cpu(1), process, endpoint, _time.GetUtcNow());
        lock (_launched)
        {
            _processes.Add(process);
            _launched.Add(instance);
        }

        _running.Add(instance);
        return instance;
    }

    /// <summary>No restart a moment before the backoff is over; the <paramref name="nth"/> restart once it is.</summary>
    private async Task BackoffAsync(TimeSpan backoff, List<DateTimeOffset> restarts, int nth)
    {
        await _time.TimerSetAsync();
        _time.Advance(backoff - Tick);
        Assert.Equal(nth - 1, Count(restarts));
        _time.Advance(Tick);
        await WaitForAsync(() => Count(restarts) == nth);
    }

    /// <summary>Waits until the <paramref name="nth"/> backend of the model is marked crashed.</summary>
    private async Task CrashOfAsync(string model, int nth) =>
        await WaitForAsync(() => Launched(model) is { Count: var count } launched && count >= nth
            && launched[nth - 1] is { State: InstanceState.Failed, Message: not null });

    private Instance Latest(string model) => Launched(model)[^1];

    private List<Instance> Launched(string model)
    {
        lock (_launched)
        {
            return [.. _launched.Where(instance => instance.Model == model)];
        }
    }

    /// <summary>The store's record of the model comes to <paramref name="expected"/> (state, exit code).</summary>
    private async Task WaitForRecordAsync(string model, (string?, int?) expected)
    {
        (string?, int?) seen = default;
        for (var i = 0; i < 200 && seen != expected; i++)
        {
            seen = await _store.FindAsync(model) is { } record ? (record.State, record.ExitCode) : (null, null);
            if (seen != expected)
            {
                await Task.Delay(25);
            }
        }

        Assert.Equal(expected, seen);
    }

    private static int Count(List<DateTimeOffset> restarts)
    {
        lock (restarts)
        {
            return restarts.Count;
        }
    }

    private static string Model() => "model-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task WaitForAsync(Func<bool> done)
    {
        for (var i = 0; i < 1200 && !done(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(done());
    }
}
