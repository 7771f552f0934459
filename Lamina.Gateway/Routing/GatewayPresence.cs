using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Gateway.Routing;

/// <summary>
/// Writes this gateway's use of models (<see cref="ModelUse"/>) to the store as it changes, and keeps
/// its counts of requests in flight from expiring while it lives. When the gateway dies mid-request its
/// counts expire with it, so no model stays "busy" forever.
/// </summary>
public sealed partial class GatewayPresence(ModelUse use, IConnectionMultiplexer redis, TimeProvider time, ILogger<GatewayPresence> logger) : BackgroundService
{
    /// <summary>How often the counts are renewed; they expire after three times this.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>How often changed counts are written: how stale the Runners' view of this gateway's requests can be.</summary>
    public static readonly TimeSpan WriteInterval = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan AwayRetry = TimeSpan.FromSeconds(1);

    public static TimeSpan Expiry => Interval * 3;

    /// <summary>This gateway among all: its machine and process.</summary>
    public static string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    public static string Key { get; } = RedisKeys.GatewayInFlight(Id);

    /// <summary>The field that keeps the hash, and so the gateway, visible when nothing is in flight.</summary>
    public const string AliveField = "_alive";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var renewed = long.MinValue;
        var away = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (renewed == long.MinValue || time.GetElapsedTime(renewed) >= Interval)
                {
                    await RenewAsync();
                    renewed = time.GetTimestamp();
                }

                await use.WriteAsync();
                away = false;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                if (!away)
                {
                    LogStoreAway(logger, e.Message);
                }

                away = true;
                renewed = long.MinValue;
            }

            try
            {
                if (away)
                {
                    // Tried once a second while the store is away, not on every request's wake: each would be one more failed write.
                    await Task.Delay(AwayRetry, time, stoppingToken);
                }
                else
                {
                    var renewal = Interval - time.GetElapsedTime(renewed);
                    await use.WaitAsync(WriteInterval, renewal > TimeSpan.Zero ? renewal : TimeSpan.Zero, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task RenewAsync()
    {
        var db = redis.GetDatabase();
        await db.HashSetAsync(Key, AliveField, time.GetUtcNow().ToUnixTimeMilliseconds());
        await db.KeyExpireAsync(Key, Expiry);
        await db.SetAddAsync(RedisKeys.Gateways, Id);
    }

    /// <summary>Says at once that this gateway is gone, instead of when its counts expire.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // Last-used times matter after this gateway is gone; its counts go with it.
            await use.WriteAsync();
            var db = redis.GetDatabase();
            await db.KeyDeleteAsync(Key);
            await db.SetRemoveAsync(RedisKeys.Gateways, Id);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // They expire by themselves.
        }
    }

    [LoggerMessage(LogLevel.Warning, "Requests in flight cannot be recorded now ({Reason}); idle models may be stopped mid-response until the store is back")]
    private static partial void LogStoreAway(ILogger logger, string reason);
}
