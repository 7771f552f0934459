using System.Text.RegularExpressions;

namespace Lamina.Shared.Manifest;

/// <summary>The weight formats a model's files can have, and how one is inferred when the manifest gives none.</summary>
public static partial class ModelFormats
{
    public const string Gguf = "gguf";
    public const string Safetensors = "safetensors";
    public const string Mlc = "mlc";

    public static IReadOnlyList<string> All { get; } = [Gguf, Safetensors, Mlc];

    /// <summary>
    /// The format of a model without <c>format</c>, in this order: a path ending in <c>.gguf</c>
    /// is gguf, one ending in <c>.safetensors</c> is safetensors; the mlc backend, or "mlc" as a
    /// word of the path or name (<c>Llama-3-8B-q4f16_1-MLC</c>), means mlc; llama.cpp and the
    /// embedded engine run only GGUF, so their models are gguf; anything else (a folder for
    /// vllm or auto) is safetensors, Hugging Face's usual layout.
    /// </summary>
    public static string Infer(string name, string? path, string backend)
    {
        path ??= "";
        if (path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            return Gguf;
        }

        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            return Safetensors;
        }

        if (backend == ModelBackends.Mlc || MlcWord().IsMatch(path) || MlcWord().IsMatch(name))
        {
            return Mlc;
        }

        return backend is ModelBackends.LlamaCpp or ModelBackends.Embedded ? Gguf : Safetensors;
    }

    [GeneratedRegex("(?<![a-z])mlc(?![a-z])", RegexOptions.IgnoreCase)]
    private static partial Regex MlcWord();
}
