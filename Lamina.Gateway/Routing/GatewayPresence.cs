using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Gateway.Routing;

/// <summary>
/// Keeps this gateway's count of requests in flight from expiring while it lives. When the gateway
/// dies mid-request its counts expire with it, so no model stays "busy" forever.
/// </summary>
public sealed partial class GatewayPresence(IConnectionMultiplexer redis, TimeProvider time, ILogger<GatewayPresence> logger) : BackgroundService
{
    /// <summary>How often the counts are renewed; they expire after three times this.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    public static TimeSpan Expiry => Interval * 3;

    /// <summary>This gateway among all: its machine and process.</summary>
    public static string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    public static string Key { get; } = RedisKeys.GatewayInFlight(Id);

    /// <summary>The field that keeps the hash, and so the gateway, visible when nothing is in flight.</summary>
    public const string AliveField = "_alive";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var db = redis.GetDatabase();
                await db.HashSetAsync(Key, AliveField, time.GetUtcNow().ToUnixTimeMilliseconds());
                await db.KeyExpireAsync(Key, Expiry);
                await db.SetAddAsync(RedisKeys.Gateways, Id);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogStoreAway(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Says at once that this gateway is gone, instead of when its counts expire.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            var db = redis.GetDatabase();
            await db.KeyDeleteAsync(Key);
            await db.SetRemoveAsync(RedisKeys.Gateways, Id);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // They expire by themselves.
        }
    }

    [LoggerMessage(LogLevel.Warning, "Requests in flight cannot be recorded now ({Reason}); idle models may be stopped mid-answer until the store is back")]
    private static partial void LogStoreAway(ILogger logger, string reason);
}
