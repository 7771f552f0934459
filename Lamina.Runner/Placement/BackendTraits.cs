using Lamina.Runner.Backends;

namespace Lamina.Runner.Placement;

/// <summary>Where a backend can run: the CPU, GPUs, several GPUs at once, part of a model on a GPU.</summary>
public sealed record BackendTraits(bool Cpu, bool Gpu, bool Split, bool PartialOffload, bool MemoryUtilization)
{
    public static BackendTraits Of(string backend) => backend switch
    {
        BackendResolver.LlamaCpp => new(Cpu: true, Gpu: true, Split: true, PartialOffload: true, MemoryUtilization: false),
        BackendResolver.Vllm => new(Cpu: false, Gpu: true, Split: true, PartialOffload: false, MemoryUtilization: true),
        BackendResolver.Mlc => new(Cpu: false, Gpu: true, Split: true, PartialOffload: false, MemoryUtilization: false),
        // The embedded engine is built on LLamaSharp's CPU backend.
        _ => new(Cpu: true, Gpu: false, Split: false, PartialOffload: false, MemoryUtilization: false),
    };
}
