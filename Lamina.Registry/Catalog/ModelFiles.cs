namespace Lamina.Registry.Catalog;

/// <summary>Where a model's files are and whether they are what the manifest says.</summary>
public static class ModelFiles
{
    /// <summary>The absolute path of a manifest path, refusing relative paths that leave the models folder.</summary>
    public static (string? Path, string? Problem) Resolve(string modelsDir, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return (null, "the manifest gives no path");
        }

        if (Path.IsPathRooted(path))
        {
            return (Path.GetFullPath(path), null);
        }

        var root = Path.TrimEndingDirectorySeparator(modelsDir) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, path));
        return full.StartsWith(root, StringComparison.Ordinal)
            ? (full, null)
            : (null, $"path '{path}' leaves the models folder");
    }

    /// <summary>Deletes a model's file or folder, only ever inside the models folder.</summary>
    public static void Delete(string path, string modelsDir)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelsDir)) + Path.DirectorySeparatorChar;
        if (!Path.GetFullPath(path).StartsWith(root, StringComparison.Ordinal))
        {
            return;
        }

        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            File.Delete(path);
        }
    }

    /// <summary>Null when the model is on disk and looks right, else why not.</summary>
    public static string? Check(string path, GgufHeaders headers)
    {
        if (Directory.Exists(path))
        {
            return CheckFolder(path);
        }

        if (!File.Exists(path))
        {
            return "missing";
        }

        return path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) ? headers.Read(path).Problem : null;
    }

    /// <summary>An MLC folder has its chat config; a safetensors folder its config.json and weights.</summary>
    private static string? CheckFolder(string path)
    {
        if (File.Exists(Path.Combine(path, "mlc-chat-config.json")))
        {
            return null;
        }

        if (!File.Exists(Path.Combine(path, "config.json")))
        {
            return "folder has neither config.json (safetensors) nor mlc-chat-config.json (MLC)";
        }

        return Directory.EnumerateFiles(path, "*.safetensors").Any() ? null : "folder has config.json but no .safetensors weights";
    }
}
