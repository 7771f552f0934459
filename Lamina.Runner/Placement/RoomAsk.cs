namespace Lamina.Runner.Placement;

/// <summary>What a start needs room for: the model, its backend, its memory, the GPUs asked for and the manifest's gpu_layers.</summary>
public sealed record RoomAsk(string Model, string Backend, MemoryNeed Need, GpuChoice Choice, int? GpuLayers)
{
    public BackendTraits Traits { get; } = BackendTraits.Of(Backend);
}
