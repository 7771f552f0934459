namespace Lamina.Runner.Tests;

/// <summary>Small shell programs standing in for the tools a Runner runs (nvidia-smi, llama-server, vllm).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class TestPrograms
{
    /// <summary>Writes an executable <c>/bin/sh</c> script named <paramref name="name"/> into the folder; its path.</summary>
    public static string Write(DirectoryInfo folder, string name, string body)
    {
        var path = Path.Combine(folder.FullName, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
