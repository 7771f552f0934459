using System.Text.Json;
using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Registry.Catalog;

/// <summary>The instances the Runner has recorded in Redis, read to tell which models are active.</summary>
public sealed class LiveInstances(IConnectionMultiplexer redis)
{
    public async Task<IReadOnlyDictionary<string, InstanceInfo>> ReadAsync()
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(RedisKeys.Instances);
        return entries
            .Select(entry => JsonSerializer.Deserialize<InstanceInfo>(entry.Value.ToString(), LaminaJson.Options))
            .OfType<InstanceInfo>()
            .Where(instance => instance.State is not (InstanceStates.Stopped or InstanceStates.Failed))
            .ToDictionary(instance => instance.Model);
    }
}
