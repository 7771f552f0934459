using System.Diagnostics;
using System.Globalization;

namespace Lamina.Store;

/// <summary>A per-process directory under the system temp folder for the memory-only store's disk tier.</summary>
internal static class ScratchDirectory
{
    private const string Prefix = "lamina-store-";

    /// <summary>Creates this process's directory and removes those left by stores that were killed.</summary>
    public static string Create()
    {
        foreach (var stale in Directory.EnumerateDirectories(Path.GetTempPath(), $"{Prefix}*"))
        {
            if (int.TryParse(Path.GetFileName(stale)[Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && !IsRunning(pid))
            {
                TryDelete(stale);
            }
        }
        return Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}")).FullName;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Another store is cleaning up the same directory; either way it goes.
        }
        catch (UnauthorizedAccessException)
        {
            // Someone else's directory: leave it.
        }
    }
}
