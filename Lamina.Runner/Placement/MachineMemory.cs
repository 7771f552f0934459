using System.Globalization;

namespace Lamina.Runner.Placement;

/// <summary>The machine's RAM, from <c>/proc/meminfo</c>: what the kernel can give without swapping.</summary>
public static class MachineMemory
{
    /// <summary>MemTotal and MemAvailable in bytes; zeros where <c>/proc/meminfo</c> is missing (not Linux).</summary>
    public static (long Total, long Available) Read()
    {
        long total = 0, available = 0;
        if (!File.Exists("/proc/meminfo"))
        {
            return (0, 0);
        }

        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                total = Kilobytes(line);
            }
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                available = Kilobytes(line);
            }
        }

        return (total, available);
    }

    private static long Kilobytes(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : 0;
    }
}
