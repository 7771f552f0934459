using System.Diagnostics;

namespace Lamina.Engine.Lifetime;

/// <summary>
/// Stops the engine when the process that started it is gone. The Runner stops its engines
/// itself; this covers a Runner killed outright, which must not leave a model holding memory.
/// </summary>
public sealed partial class ParentWatch(IHostApplicationLifetime lifetime, ILogger<ParentWatch> logger) : BackgroundService
{
    public const string Variable = "LAMINA_PARENT_PID";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(Variable), out var pid))
        {
            return;
        }

        try
        {
            using var parent = Process.GetProcessById(pid);
            await parent.WaitForExitAsync(stoppingToken);
        }
        catch (ArgumentException)
        {
            // Already gone before the engine looked.
        }

        LogParentGone(logger, pid);
        lifetime.StopApplication();
    }

    [LoggerMessage(LogLevel.Warning, "Parent process {Pid} is gone; stopping")]
    private static partial void LogParentGone(ILogger logger, int pid);
}
