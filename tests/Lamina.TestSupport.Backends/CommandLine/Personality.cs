namespace Lamina.TestSupport.Backends.CommandLine;

/// <summary>The real program a fake stands in for.</summary>
internal enum Personality
{
    LlamaServer,
    Vllm,
    MlcLlm,
}

internal static class Personalities
{
    public static readonly string[] Names = ["llama-server", "vllm", "mlc_llm"];

    public static string Name(this Personality personality) => Names[(int)personality];

    public static Personality? FromName(string? name) =>
        Array.IndexOf(Names, name) is var index and >= 0 ? (Personality)index : null;

    /// <summary>llama-server binds at once and answers 503 while loading; vLLM and MLC open the socket only when ready.</summary>
    public static bool BindsBeforeLoad(this Personality personality) => personality == Personality.LlamaServer;

    public static bool HasHealth(this Personality personality) => personality != Personality.MlcLlm;
}
