using Lamina.Shared.Manifest;

namespace Lamina.Registry.Catalog;

/// <summary>Where a model's files are and whether they are what the manifest says.</summary>
public static class ModelFiles
{
    /// <summary>Deletes a model's file or folder, only ever inside the models folder.</summary>
    public static void Delete(string path, string modelsDir)
    {
        if (!ModelPaths.IsInside(modelsDir, path))
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

    /// <summary>Removes the model's own folder once its files are gone; never the models folder itself or anything outside it.</summary>
    public static void DeleteFolderIfEmpty(string? folder, string modelsDir)
    {
        if (folder is not null && ModelPaths.IsInside(modelsDir, folder) && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
        }
    }

    /// <summary>Bytes on disk: the file, or every file under the folder; null when neither is there.</summary>
    public static long? SizeOf(string? path)
    {
        if (path is null)
        {
            return null;
        }

        if (File.Exists(path))
        {
            return new FileInfo(path).Length;
        }

        return Directory.Exists(path)
            ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(file => file.Length)
            : null;
    }

    /// <summary>When the model's file (or folder) last changed on disk; null when neither is there.</summary>
    public static DateTimeOffset? ModifiedAt(string? path) =>
        File.Exists(path) ? new DateTimeOffset(File.GetLastWriteTimeUtc(path))
        : Directory.Exists(path) ? new DateTimeOffset(Directory.GetLastWriteTimeUtc(path))
        : null;

    /// <summary>Null when the model is on disk and is what its format says, else why not.</summary>
    public static string? Check(string path, string format, GgufHeaders headers)
    {
        var folder = Directory.Exists(path);
        if (!folder && !File.Exists(path))
        {
            return "missing";
        }

        return format switch
        {
            ModelFormats.Gguf when folder => "is a folder, but the model's format is gguf: point path at the .gguf file",
            ModelFormats.Gguf => headers.Read(path).Problem,
            ModelFormats.Mlc when !folder => "is a file, but an MLC model is a folder with mlc-chat-config.json",
            ModelFormats.Mlc => File.Exists(Path.Combine(path, "mlc-chat-config.json")) ? null : "folder has no mlc-chat-config.json (an MLC model needs it)",
            _ when !folder => path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
                ? "is a single .safetensors file; point path at the folder that holds it with config.json"
                : "is a file, but a safetensors model is a folder with config.json and .safetensors weights",
            _ when !File.Exists(Path.Combine(path, "config.json")) => "folder has no config.json (a safetensors model needs it beside its weights)",
            _ => Directory.EnumerateFiles(path, "*.safetensors").Any() ? null : "folder has config.json but no .safetensors weights",
        };
    }
}
