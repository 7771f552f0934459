using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Runner.Instances;

/// <summary>
/// What the gateways recorded of each model's use: when a request last ended, and how many run now,
/// summed over the gateways whose counts have not expired (a gateway that died counts for nothing).
/// </summary>
public sealed class UsageRecords(IConnectionMultiplexer redis)
{
    /// <summary>Each model's use, in the order asked; a model no request has used has neither.</summary>
    public async Task<IReadOnlyList<Usage>> ReadAsync(IReadOnlyList<string> models)
    {
        var keys = models.Select(model => (RedisValue)model).ToArray();
        var db = redis.GetDatabase();
        var used = db.HashGetAsync(RedisKeys.InstanceUse, keys);
        var gateways = await db.SetMembersAsync(RedisKeys.Gateways);
        var counts = await Task.WhenAll(gateways.Select(gateway => db.HashGetAsync(RedisKeys.GatewayInFlight(gateway.ToString()), keys)));
        var alive = await Task.WhenAll(gateways.Select(gateway => db.KeyExistsAsync(RedisKeys.GatewayInFlight(gateway.ToString()))));
        // A live gateway keeps its hash (with a marker field) from expiring; one whose hash expired has died.
        var dead = gateways.Where((_, i) => !alive[i]).ToArray();
        if (dead.Length > 0)
        {
            await db.SetRemoveAsync(RedisKeys.Gateways, dead);
        }

        var lastUsed = await used;
        return [.. models.Select((_, i) => new Usage(
            lastUsed[i].TryParse(out long at) ? DateTimeOffset.FromUnixTimeMilliseconds(at) : DateTimeOffset.MinValue,
            counts.Sum(gateway => gateway[i].TryParse(out long requests) ? Math.Max(0, requests) : 0)))];
    }

    public sealed record Usage(DateTimeOffset LastUsed, long InFlight);
}
