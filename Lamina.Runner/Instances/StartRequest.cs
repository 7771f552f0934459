using Lamina.Runner.Placement;

namespace Lamina.Runner.Instances;

/// <summary>What one start asks for over the manifest: a context length, GPUs, how long to stay loaded when idle.</summary>
public sealed record StartRequest(int? ContextLength = null, GpuChoice? Gpu = null, TimeSpan? KeepAlive = null)
{
    public static StartRequest Default { get; } = new();

    /// <summary>Whether a running instance already is what this start asks for (a different one is started again).</summary>
    public bool Fits(Instance instance) =>
        (ContextLength is null || ContextLength == instance.Plan.ContextLength)
        && (Gpu is null || Gpu.Indices is null && !Gpu.Cpu
            || Gpu.Cpu && instance.Placement.OnCpu
            || Gpu.Indices is { } indices && indices.Order().SequenceEqual(instance.Placement.Gpus));
}
