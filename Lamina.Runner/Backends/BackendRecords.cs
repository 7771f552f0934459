using System.Globalization;
using System.Text.Json;

namespace Lamina.Runner.Backends;

/// <summary>
/// The backends this Runner started, kept on disk by pid and start time. A Runner that died
/// (SIGKILL, a crash, a power-cycled container) leaves them running and holding GPU memory; the
/// next Runner on the machine ends them before it starts anything. The start time tells a
/// backend from an unrelated process that got the same pid later.
/// </summary>
public sealed partial class BackendRecords(string path, ILogger<BackendRecords> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, long> _running = [];

    public void Add(int pid)
    {
        if (StartTime(pid) is not { } started)
        {
            return;
        }

        lock (_gate)
        {
            _running[pid] = started;
            Save();
        }
    }

    public void Remove(int pid)
    {
        lock (_gate)
        {
            if (_running.Remove(pid))
            {
                Save();
            }
        }
    }

    /// <summary>Ends the process groups of recorded backends that still run (SIGTERM, then SIGKILL after the grace period); how many there were.</summary>
    public async Task<int> EndLeftoversAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        Dictionary<int, long> recorded;
        try
        {
            recorded = JsonSerializer.Deserialize<Dictionary<int, long>>(await File.ReadAllTextAsync(path, cancellationToken)) ?? [];
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return 0;
        }

        var left = recorded.Where(pair => StartTime(pair.Key) == pair.Value).Select(pair => pair.Key).ToList();
        foreach (var pid in left)
        {
            LogEnding(logger, pid);
            ProcessGroups.Signal(pid, ProcessGroups.SigTerm);
        }

        var deadline = DateTime.UtcNow + grace;
        while (left.Any(pid => StartTime(pid) is not null) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, cancellationToken);
        }

        left.ForEach(pid => ProcessGroups.Signal(pid, ProcessGroups.SigKill));
        lock (_gate)
        {
            Save();
        }

        return left.Count;
    }

    private void Save()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(_running));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The process's start time in clock ticks since boot (/proc/PID/stat, field 22), or null when it is not running.</summary>
    private static long? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // A zombie has ended; only its parent has not read its exit yet.
            return fields[0] == "Z" ? null : long.Parse(fields[19], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Ending backend {Pid}, left running by a Runner that stopped without ending it")]
    private static partial void LogEnding(ILogger logger, int pid);
}
