namespace Lamina.Shared.Manifest;

/// <summary>The use cases Lamina itself acts on; a manifest may name any others (<c>conversational</c>, <c>code</c>...).</summary>
public static class ModelUseCases
{
    public const string Embeddings = "embeddings";

    /// <summary>
    /// A dedicated embedding model: <c>embeddings</c> is all its use cases name. llama-server serves embeddings only
    /// when started for them (<c>--embeddings</c>), which also turns off generation; Ollama's show lists no
    /// <c>completion</c> for one.
    /// </summary>
    public static bool OnlyEmbeddings(IEnumerable<string?>? useCases) =>
        useCases?.ToList() is { Count: > 0 } named && named.All(useCase => useCase == Embeddings);
}
