using System.Text;

namespace Lamina.TestSupport.Aspire;

/// <summary>Reads /proc to find the processes a test left behind.</summary>
public static class ProcessTable
{
    /// <summary>"pid: command line" of every process whose command line or environment contains the text.</summary>
    public static IReadOnlyList<string> Mentioning(string text)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            var commandLine = Read(Path.Combine(dir, "cmdline"));
            if (commandLine.Contains(text, StringComparison.Ordinal) || Read(Path.Combine(dir, "environ")).Contains(text, StringComparison.Ordinal))
            {
                found.Add($"{pid}: {commandLine}");
            }
        }

        return found;
    }

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && !Read($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private static string Read(string path)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes(path)).Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process ended while we looked, or is not ours to read.
            return "";
        }
    }
}
