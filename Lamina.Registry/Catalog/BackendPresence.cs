using Lamina.Shared.Hosting;
using Lamina.Shared.Manifest;

namespace Lamina.Registry.Catalog;

/// <summary>
/// Whether the program a model's backend runs is installed here. GGUF models always have one:
/// the embedded engine stands in for llama-server. The Runner does the full detection (versions,
/// GPUs); this is what suggesting a model needs.
/// </summary>
public static class BackendPresence
{
    /// <summary>Null when the model's backend can run here, else what is missing.</summary>
    public static string? Missing(ModelEntry model, ModelManifest manifest)
    {
        var backend = model.Backend == ModelBackends.Auto
            ? model.Format switch { ModelFormats.Gguf => ModelBackends.LlamaCpp, ModelFormats.Mlc => ModelBackends.Mlc, _ => ModelBackends.Vllm }
            : model.Backend;
        if (backend is ModelBackends.LlamaCpp or ModelBackends.Embedded)
        {
            return null;
        }

        var program = manifest.Backends.TryGetValue(backend, out var settings) && settings["executable"]?.GetValue<string>() is { Length: > 0 } executable
            ? executable
            : backend switch { ModelBackends.Vllm => "vllm", ModelBackends.Mlc => "mlc_llm", _ => backend };
        var found = Path.IsPathRooted(program) ? File.Exists(program) : LocalMachine.FindOnPath(program) is not null;
        return found ? null : $"backend {backend} missing: '{program}' is not installed (not on PATH)";
    }
}
