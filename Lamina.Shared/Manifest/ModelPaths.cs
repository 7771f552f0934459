namespace Lamina.Shared.Manifest;

/// <summary>Where a model's files are on disk: always inside the models folder unless the manifest gives an absolute path.</summary>
public static class ModelPaths
{
    /// <summary>The absolute path of a manifest path, refusing relative paths that leave the models folder.</summary>
    public static (string? Path, string? Problem) Resolve(string modelsDir, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return (null, "the manifest gives no path");
        }

        if (System.IO.Path.IsPathRooted(path))
        {
            return (System.IO.Path.GetFullPath(path), null);
        }

        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(modelsDir, path));
        return IsInside(modelsDir, full) ? (full, null) : (null, $"path '{path}' leaves the models folder");
    }

    /// <summary>Whether the path lies strictly inside the models folder.</summary>
    public static bool IsInside(string modelsDir, string path)
    {
        var root = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(modelsDir)) + System.IO.Path.DirectorySeparatorChar;
        return System.IO.Path.GetFullPath(path).StartsWith(root, StringComparison.Ordinal);
    }
}
