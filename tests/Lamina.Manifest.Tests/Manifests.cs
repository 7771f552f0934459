using Lamina.Shared.Manifest;

namespace Lamina.Manifest.Tests;

/// <summary>Loads manifests from test text, and finds the repository's own files.</summary>
internal static class Manifests
{
    public static ManifestLoadResult Load(string yaml) => ManifestReader.Load(new StringReader(yaml), "models.yaml");

    /// <summary>The problems, each as its one-line form.</summary>
    public static List<string> Problems(string yaml) => [.. Load(yaml).Problems.Select(p => p.ToString())];

    public static string RepositoryFile(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lamina.Aspire.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Lamina.Aspire.sln not found above the test folder"), name);
    }
}
