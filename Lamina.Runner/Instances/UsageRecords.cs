using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Runner.Instances;

/// <summary>What the gateways recorded of each model's use: when a request last ended, and how many run now.</summary>
public sealed class UsageRecords(IConnectionMultiplexer redis)
{
    /// <summary>Each model's use, in the order asked; a model no request has used has neither.</summary>
    public async Task<IReadOnlyList<Usage>> ReadAsync(IReadOnlyList<string> models)
    {
        var keys = models.Select(model => (RedisValue)model).ToArray();
        var db = redis.GetDatabase();
        var used = db.HashGetAsync(RedisKeys.InstanceUse, keys);
        var inFlight = db.HashGetAsync(RedisKeys.InstanceInFlight, keys);
        var (lastUsed, busy) = (await used, await inFlight);
        return [.. models.Select((_, i) => new Usage(
            lastUsed[i].TryParse(out long at) ? DateTimeOffset.FromUnixTimeMilliseconds(at) : DateTimeOffset.MinValue,
            busy[i].TryParse(out long requests) ? requests : 0))];
    }

    public sealed record Usage(DateTimeOffset LastUsed, long InFlight);
}
