using System.Text.Json;
using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Runner.Instances;

/// <summary>Publishes instance state to Redis, where the Gateway and Registry read it.</summary>
public sealed class InstanceStore(IConnectionMultiplexer redis)
{
    public async Task SaveAsync(InstanceInfo instance)
    {
        var database = redis.GetDatabase();
        await database.HashSetAsync(RedisKeys.Instances, instance.Model, JsonSerializer.Serialize(instance, LaminaJson.Options));
        await database.PublishAsync(RedisChannel.Literal(RedisKeys.InstanceEvents), instance.Model);
    }

    public async Task RemoveAsync(string model)
    {
        var database = redis.GetDatabase();
        await database.HashDeleteAsync(RedisKeys.Instances, model);
        await database.PublishAsync(RedisChannel.Literal(RedisKeys.InstanceEvents), model);
    }

    /// <summary>Forgets every recorded instance: those of a Runner that is no longer running point nowhere.</summary>
    public Task ClearAsync() => redis.GetDatabase().KeyDeleteAsync(RedisKeys.Instances);
}
