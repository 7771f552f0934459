using StackExchange.Redis;

namespace Lamina.Runner.Instances;

/// <summary>
/// Stops models that no request has used for their keep_alive. Use is what the gateways record
/// in Redis when a request starts and ends, so an idle clock never runs during a long response.
/// </summary>
public sealed partial class IdleStopper(InstanceManager instances, UsageRecords usage, TimeProvider time, ILogger<IdleStopper> logger)
    : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var candidates = instances.Ready.Where(instance => instance.KeepAlive != Timeout.InfiniteTimeSpan).ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            try
            {
                var used = await usage.ReadAsync([.. candidates.Select(instance => instance.Model)]);
                var now = time.GetUtcNow();
                for (var i = 0; i < candidates.Count; i++)
                {
                    var instance = candidates[i];
                    var idleSince = used[i].LastUsed > instance.ReadyAt ? used[i].LastUsed : instance.ReadyAt;
                    if (used[i].InFlight <= 0 && now - idleSince >= instance.KeepAlive)
                    {
                        LogIdle(logger, instance.Model, (now - idleSince).TotalSeconds, instance.KeepAlive.TotalSeconds);
                        await instances.StopAsync(instance.Model);
                    }
                }
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Without the record of use, nothing is stopped as idle: better loaded than cut off.
                LogStoreAway(logger, e.Message);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "{Model} idle for {Seconds:0.#} s (keep_alive {KeepAlive:0.#} s); stopping it")]
    private static partial void LogIdle(ILogger logger, string model, double seconds, double keepAlive);

    [LoggerMessage(LogLevel.Warning, "Idle models are not stopped while the store cannot be reached: {Reason}")]
    private static partial void LogStoreAway(ILogger logger, string reason);
}
