using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Stops a service whose starter (the orchestrator) is gone. The orchestrator stops its services
/// itself; this covers the ones it lost track of, such as a service restarted after being killed,
/// which would otherwise outlive the whole system.
/// </summary>
internal sealed partial class OrphanWatch(IHostApplicationLifetime lifetime, ILogger<OrphanWatch> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Under an init system or as a container's first process there is no starter to outlive.
        if (ParentId() is not (> 1 and var parent))
        {
            return;
        }

        try
        {
            using var starter = Process.GetProcessById(parent);
            await starter.WaitForExitAsync(stoppingToken);
        }
        catch (ArgumentException)
        {
            // Gone before the service looked.
        }
        catch (OperationCanceledException)
        {
            return;
        }

        LogOrphaned(logger, parent);
        lifetime.StopApplication();
    }

    /// <summary>The parent's process id from /proc (the fourth field of stat, after the parenthesized name); null elsewhere.</summary>
    private static int? ParentId()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.TryParse(fields[1], out var parent) ? parent : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LoggerMessage(LogLevel.Warning, "The process that started this service ({Pid}) is gone; stopping")]
    private static partial void LogOrphaned(ILogger logger, int pid);
}
