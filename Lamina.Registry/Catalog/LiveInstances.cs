using System.Collections.Concurrent;
using System.Text.Json;
using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Registry.Catalog;

/// <summary>
/// The instances the Runner records in Redis, kept in memory and refreshed by the Runner's
/// change events, so answering "which models are active" costs no round trip.
/// </summary>
public sealed class LiveInstances(IConnectionMultiplexer redis) : IHostedService
{
    private readonly ConcurrentDictionary<string, InstanceInfo> _active = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, InstanceInfo> Active => _active;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribe before the first read, so no change falls between the two.
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RedisKeys.InstanceEvents), (channel, model) => { _ = RefreshAsync(model.ToString()); });
        foreach (var entry in await redis.GetDatabase().HashGetAllAsync(RedisKeys.Instances))
        {
            Apply(entry.Name.ToString(), entry.Value);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        redis.GetSubscriber().UnsubscribeAsync(RedisChannel.Literal(RedisKeys.InstanceEvents));

    private async Task RefreshAsync(string model) => Apply(model, await redis.GetDatabase().HashGetAsync(RedisKeys.Instances, model));

    private void Apply(string model, RedisValue value)
    {
        var instance = value.HasValue ? JsonSerializer.Deserialize<InstanceInfo>(value.ToString(), LaminaJson.Options) : null;
        if (instance is { State: not (InstanceStates.Stopped or InstanceStates.Failed) })
        {
            _active[model] = instance;
        }
        else
        {
            _active.TryRemove(model, out _);
        }
    }
}
