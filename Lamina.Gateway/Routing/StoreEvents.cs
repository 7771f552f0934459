using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Gateway.Routing;

/// <summary>
/// What the gateway hears from the store: a model's instance changed (forget where it ran), or the
/// manifest changed (read the aliases again).
/// </summary>
public sealed class StoreEvents(IConnectionMultiplexer redis, ModelRouter router, ModelAliases aliases) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal(RedisKeys.InstanceEvents), (_, model) => router.Forget(model.ToString()));
        await subscriber.SubscribeAsync(RedisChannel.Literal(RedisKeys.ManifestEvents), (_, _) => _ = aliases.LoadAsync());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var subscriber = redis.GetSubscriber();
        await subscriber.UnsubscribeAsync(RedisChannel.Literal(RedisKeys.InstanceEvents));
        await subscriber.UnsubscribeAsync(RedisChannel.Literal(RedisKeys.ManifestEvents));
    }
}
