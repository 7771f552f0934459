using LLama;
using LLama.Native;

namespace Lamina.Engine.Slots;

/// <summary>One context: llama.cpp runs one generation at a time in it.</summary>
internal sealed class Slot(int id, LLamaContext context) : IDisposable
{
    public int Id { get; } = id;

    public LLamaContext Context { get; } = context;

    /// <summary>Kept with the slot so each token does not allocate a new batch.</summary>
    public LLamaBatch Batch { get; } = new();

    public void Dispose() => Context.Dispose();
}
