namespace Lamina.Shared.Manifest;

/// <summary>The backends Lamina knows without a <c>backends</c> entry; the manifest may declare more.</summary>
public static class ModelBackends
{
    /// <summary>Lamina picks: llama-server when installed, else the embedded engine.</summary>
    public const string Auto = "auto";
    public const string Embedded = "embedded";
    public const string LlamaCpp = "llama.cpp";
    public const string Mlc = "mlc";
    public const string Vllm = "vllm";

    public static IReadOnlyList<string> BuiltIn { get; } = [Auto, Embedded, LlamaCpp, Mlc, Vllm];
}
