namespace Lamina.Shared.Manifest;

/// <summary>Reads and checks <c>models.yaml</c> in the format lamina-llm-serve users already have.</summary>
public static class ManifestReader
{
    /// <summary>Loads a manifest file: its valid models and every problem, each with file, line, column and field.</summary>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    public static ManifestLoadResult LoadFile(string path)
    {
        if (!File.Exists(path))
        {
            var problems = new ProblemList(path);
            problems.AddToFile("the manifest does not exist; create it or set Lamina:Manifest to the models.yaml to use");
            return new ManifestLoadResult(ModelManifest.Empty, problems.Sorted(), Unreadable: true);
        }

        using var reader = File.OpenText(path);
        return Load(reader, path);
    }

    /// <summary>Loads a manifest; <paramref name="source"/> names it in problems (usually its path).</summary>
    public static ManifestLoadResult Load(TextReader text, string source) => ManifestDocument.Read(text.ReadToEnd(), source).Result;

    /// <summary>The manifest when it has no problem at all.</summary>
    /// <exception cref="ManifestException">Any problem; the message lists them all, one per line.</exception>
    public static ModelManifest ReadFile(string path) => OrThrow(LoadFile(path));

    /// <inheritdoc cref="ReadFile"/>
    public static ModelManifest Read(TextReader text, string source) => OrThrow(Load(text, source));

    private static ModelManifest OrThrow(ManifestLoadResult result) =>
        result.IsClean ? result.Manifest : throw new ManifestException(result.Problems);
}
