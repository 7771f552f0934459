using System.Diagnostics;
using System.Globalization;

namespace Lamina.Bench.Figures;

/// <summary>
/// The CPU time one process and its children have used (user and system), read from Linux's <c>/proc</c>: the steady
/// measure of what a proxy costs per request, where throughput on a shared 2-core machine moves by a third between runs.
/// Reads zero where there is no <c>/proc</c>.
/// </summary>
internal sealed class ProcessCpu
{
    // USER_HZ, the unit of /proc's times, is 100 on every architecture .NET runs on.
    private const double TicksPerSecond = 100;

    private readonly int[] _pids;

    private ProcessCpu(int[] pids) => _pids = pids;

    /// <summary>The process and the children it has now (nginx's workers).</summary>
    public static ProcessCpu Of(int pid) =>
        new([pid, .. Directory.Exists("/proc") ? Directory.EnumerateDirectories("/proc").Select(ChildOf(pid)).OfType<int>() : []]);

    /// <summary>The one running process of that name (a service Aspire started), or null when there is none or more than one.</summary>
    public static ProcessCpu? Named(string name)
    {
        var found = Process.GetProcessesByName(name);
        try
        {
            return found.Length == 1 ? Of(found[0].Id) : null;
        }
        finally
        {
            Array.ForEach(found, process => process.Dispose());
        }
    }

    public TimeSpan Used() => TimeSpan.FromSeconds(_pids.Sum(pid => Fields(pid) is { } fields ? Ticks(fields, 11) + Ticks(fields, 12) : 0) / TicksPerSecond);

    private static Func<string, int?> ChildOf(int parent) => folder =>
        int.TryParse(Path.GetFileName(folder), out var pid) && Fields(pid) is { } fields && Ticks(fields, 1) == parent ? pid : null;

    /// <summary>The fields of <c>/proc/PID/stat</c> after the command's name (which may hold spaces): state, ppid, ... utime at 11, stime at 12.</summary>
    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static long Ticks(string[] fields, int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);
}
