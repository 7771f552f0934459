namespace Lamina.Shared.Manifest;

/// <summary>Checks a model's path as text, before any file is looked at.</summary>
internal static class ManifestPaths
{
    /// <summary>Why the path cannot be a model's place, or null when it can.</summary>
    public static string? Problem(string path)
    {
        if (path.Trim().Length == 0)
        {
            return "is empty; write the model's file or folder, relative to the models folder or absolute";
        }

        // Absolute paths are the user's choice (a model kept on another disk); also Windows
        // paths, so a manifest written there reads the same here.
        if (Path.IsPathRooted(path) || path[0] is '/' or '\\' || (path.Length > 2 && char.IsAsciiLetter(path[0]) && path[1] == ':' && path[2] is '/' or '\\'))
        {
            return null;
        }

        var depth = 0;
        foreach (var segment in path.Split('/', '\\'))
        {
            depth += segment switch
            {
                "" or "." => 0,
                ".." => -1,
                _ => 1,
            };
            if (depth < 0)
            {
                return $"'{path}' leaves the models folder; write a path inside it, or an absolute path";
            }
        }

        return depth == 0 ? $"'{path}' is the models folder itself; name the model's file or folder inside it" : null;
    }
}
