using Lamina.Runner.Backends;
using Lamina.Runner.Placement;
using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;

namespace Lamina.Runner.Instances;

/// <summary>A model's backend as the Runner supervises it.</summary>
public sealed class Instance(string model, LaunchPlan plan, ModelPlacement placement, BackendProcess process, string endpoint, DateTimeOffset startedAt)
{
    public string Model => model;

    public LaunchPlan Plan => plan;

    public ModelPlacement Placement => placement;

    public BackendProcess Process => process;

    public string Endpoint => endpoint;

    public InstanceLifecycle Lifecycle { get; } = new();

    public InstanceState State => Lifecycle.State;

    public string? Message { get; set; }

    public int? ExitCode { get; set; }

    /// <summary>How long it may sit idle before it is stopped; <see cref="Timeout.InfiniteTimeSpan"/> keeps it.</summary>
    public TimeSpan KeepAlive { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>When it became ready: a model never asked for since counts as idle from then.</summary>
    public DateTimeOffset ReadyAt { get; set; }

    public bool Holds => InstanceLifecycle.Holds(State);

    public InstanceInfo Describe() => Describe(State);

    private InstanceInfo Describe(InstanceState state) => new(model, plan.Backend, state.ToWire(), endpoint, process.Pid, startedAt, Message ?? plan.Note)
    {
        Gpus = placement.Gpus,
        GpuLayers = plan.Backend == BackendResolver.LlamaCpp ? placement.GpuLayers : null,
        MemoryBytes = placement.OnCpu ? placement.RamBytes : placement.GpuBytesEach + placement.RamBytes,
        ContextLength = plan.ContextLength,
        ServedModel = plan.ServedModel == model ? null : plan.ServedModel,
        KeepAlive = state == InstanceState.Ready ? KeepAliveText(KeepAlive) : null,
        ReadyAt = state == InstanceState.Ready ? ReadyAt : null,
        ExitCode = ExitCode,
    };

    /// <summary>As Ollama writes durations: <c>5m</c>, <c>30s</c>, <c>-1</c> for never.</summary>
    private static string KeepAliveText(TimeSpan keepAlive) => keepAlive switch
    {
        _ when keepAlive == KeepAliveDuration.Forever => "-1",
        { TotalHours: >= 1 and var hours } when hours == Math.Floor(hours) => Invariant($"{hours}h"),
        { TotalMinutes: >= 1 and var minutes } when minutes == Math.Floor(minutes) => Invariant($"{minutes}m"),
        _ => Invariant($"{keepAlive.TotalSeconds}s"),
    };

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
