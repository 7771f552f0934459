namespace Lamina.TestSupport.Backends;

/// <summary>What one fake backend process was started with, and what happened to it since.</summary>
/// <param name="Personality">llama-server, vllm or mlc_llm.</param>
/// <param name="Argv">The arguments after the program name, exactly as received.</param>
/// <param name="CudaVisibleDevices">CUDA_VISIBLE_DEVICES as the process saw it; null when unset.</param>
/// <param name="Pid">The process id (the wrappers exec, so it is also the id of the started program).</param>
/// <param name="Events">Lines in order: <c>ready</c>, <c>request /path</c>, <c>cancelled</c>, <c>sigterm</c>, <c>exit N</c>.</param>
public sealed record FakeRecord(
    string Personality,
    IReadOnlyList<string> Argv,
    string? CudaVisibleDevices,
    int Pid,
    IReadOnlyList<string> Events);
