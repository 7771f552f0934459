using Lamina.Runner.Backends;
using Lamina.Shared.Contracts;

namespace Lamina.Runner.Instances;

/// <summary>A model's backend as the Runner supervises it.</summary>
public sealed class Instance(string model, LaunchPlan plan, BackendProcess process, string endpoint, DateTimeOffset startedAt)
{
    public string Model => model;

    public BackendProcess Process => process;

    public string State { get; set; } = InstanceStates.Loading;

    public string? Message { get; set; }

    /// <summary>How long it may sit idle before it is stopped; <see cref="Timeout.InfiniteTimeSpan"/> keeps it.</summary>
    public TimeSpan KeepAlive { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>When it became ready: a model never asked for since counts as idle from then.</summary>
    public DateTimeOffset ReadyAt { get; set; }

    public InstanceInfo Describe() => new(model, plan.Backend, State, endpoint, process.Pid, startedAt, Message ?? plan.Note);
}
