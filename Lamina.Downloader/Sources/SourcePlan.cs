using Lamina.Downloader.Transfer;

namespace Lamina.Downloader.Sources;

/// <summary>
/// What a source resolved to: the files to fetch (or copy) and what the model's manifest entry
/// will say about them.
/// </summary>
/// <param name="Path">The model's path for the manifest, relative to the models folder.</param>
public sealed record SourcePlan(string Kind, string Path, string Format, IReadOnlyList<TransferRequest> Files)
{
    /// <summary>The file a <c>local</c> source copies from; the transfer's URL is then a file: URL of it.</summary>
    public bool IsLocalCopy => Kind == "local";

    /// <summary>The Ollama layers kept beside the model, by kind: their paths, for the manifest entry's <c>ollama_layers</c>.</summary>
    public IReadOnlyDictionary<string, string>? OllamaLayers { get; init; }

    public long? TotalBytes => Files.All(file => file.Size is not null) ? Files.Sum(file => file.Size!.Value) : null;
}
