using System.Runtime.Versioning;
using System.Text.Json;
using Lamina.TestSupport.Backends.CommandLine;
using Lamina.TestSupport.Backends.Recording;

namespace Lamina.TestSupport.Backends;

/// <summary>Puts the fake llama-server, vllm and mlc_llm where a Runner looks for programs, and reads what they recorded.</summary>
public static class FakeBackends
{
    /// <summary>
    /// Writes executable <c>/bin/sh</c> wrappers named <c>llama-server</c>, <c>vllm</c> and <c>mlc_llm</c> into
    /// <paramref name="folder"/> (created if missing); each execs this assembly with its personality. Returns the folder.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    public static string Install(string folder)
    {
        Directory.CreateDirectory(folder);
        var dotnet = DotnetHost();
        var assembly = typeof(FakeBackends).Assembly.Location;
        foreach (var personality in Personalities.Names)
        {
            var path = Path.Combine(folder, personality);
            // exec keeps the pid: the process a Runner started is the server it signals.
            File.WriteAllText(path, $"#!/bin/sh\nexec {Quote(dotnet)} {Quote(assembly)} {personality} \"$@\"\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return folder;
    }

    /// <summary>The latest record a <paramref name="personality"/> process wrote to <paramref name="dir"/>, or null when none did.</summary>
    public static FakeRecord? ReadRecord(string dir, string personality) =>
        ReadRecords(dir).LastOrDefault(record => record.Personality == personality);

    /// <summary>Every record in <paramref name="dir"/> with its events so far, oldest first.</summary>
    public static IReadOnlyList<FakeRecord> ReadRecords(string dir)
    {
        if (!Directory.Exists(dir))
            return [];
        return new DirectoryInfo(dir).EnumerateFiles("*.json")
            .OrderBy(file => file.LastWriteTimeUtc)
            .ThenBy(file => file.Name, StringComparer.Ordinal)
            .Select(file => Read(file.FullName))
            .ToList();
    }

    private static FakeRecord Read(string path)
    {
        var file = JsonSerializer.Deserialize<RecordFile>(File.ReadAllText(path), RecordFile.Json)
            ?? throw new InvalidDataException($"{path} holds no record");
        var eventsPath = Path.ChangeExtension(path, ".events");
        return new FakeRecord(file.Personality, file.Argv, file.CudaVisibleDevices, file.Pid, ReadLines(eventsPath));
    }

    // The backend may be appending while a test reads.
    private static List<string> ReadLines(string path)
    {
        if (!File.Exists(path))
            return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } process && Path.GetFileNameWithoutExtension(process) == "dotnet")
            return process;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            return host;
        // The runtime lives in {root}/shared/Microsoft.NETCore.App/{version}/, with the host at {root}/dotnet.
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var root = runtime is null ? null : Directory.GetParent(runtime)?.Parent?.Parent?.FullName;
        var candidate = root is null ? null : Path.Combine(root, "dotnet");
        return candidate is not null && File.Exists(candidate)
            ? candidate
            : throw new InvalidOperationException(
                $"Cannot find the dotnet host: this process is '{Environment.ProcessPath}', DOTNET_HOST_PATH is not set, " +
                $"and there is no dotnet three folders above the runtime in '{runtime}'. Set DOTNET_HOST_PATH.");
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
