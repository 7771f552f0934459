using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Runner.Instances;

/// <summary>
/// One start of a model across every Runner: a key set only if absent, holding the starter's node,
/// expiring unless the starter's heartbeat renews it while the model loads.
/// </summary>
public sealed class StartLocks(IConnectionMultiplexer redis, InstanceStore store)
{
    public Task<bool> TryTakeAsync(string model) =>
        redis.GetDatabase().StringSetAsync(RedisKeys.InstanceStartLock(model), InstanceStore.Node, store.Expiry, When.NotExists);

    /// <summary>The node starting the model now, or null.</summary>
    public async Task<string?> HolderAsync(string model) =>
        (await redis.GetDatabase().StringGetAsync(RedisKeys.InstanceStartLock(model))) is { HasValue: true } holder ? holder.ToString() : null;

    /// <summary>Lets go of the lock if this Runner holds it (a lock that expired meanwhile may be another's).</summary>
    public async Task ReleaseAsync(string model)
    {
        if (await HolderAsync(model) == InstanceStore.Node)
        {
            await redis.GetDatabase().KeyDeleteAsync(RedisKeys.InstanceStartLock(model));
        }
    }
}
