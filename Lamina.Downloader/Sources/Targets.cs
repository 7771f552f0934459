using Lamina.Downloader.Transfer;
using Lamina.Shared.Manifest;

namespace Lamina.Downloader.Sources;

/// <summary>Where downloaded files go: always inside the models folder, whatever a source or a name says.</summary>
public static class Targets
{
    /// <summary>The absolute path of <paramref name="relative"/> under the models folder.</summary>
    /// <exception cref="TransferException">The path would leave the models folder.</exception>
    public static string Inside(string modelsDir, string relative)
    {
        var (path, problem) = ModelPaths.Resolve(modelsDir, relative);
        if (path is null || System.IO.Path.IsPathRooted(relative) || !ModelPaths.IsInside(modelsDir, path))
        {
            throw new TransferException($"'{relative}' would be written outside the models folder ({problem ?? "an absolute path"}); refusing it");
        }

        return path;
    }

    /// <summary>The last segment of a URL path or file name, when it is a plain file name.</summary>
    public static string? FileName(string text)
    {
        var name = text.Split('/', '\\').LastOrDefault(segment => segment.Length > 0);
        return name is null or "." or ".." || name.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0 ? null : name;
    }
}
