using StackExchange.Redis;

namespace Lamina.Store.Tests;

[Collection(StoreCollection.Name)]
public sealed class PubSubTests(StoreFixture store)
{
    [Fact]
    public async Task PublishedMessageReachesTheSubscriber()
    {
        var channel = RedisChannel.Literal($"events:{Guid.NewGuid():N}");
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriber = store.Redis.GetSubscriber();
        await subscriber.SubscribeAsync(channel, (_, message) => received.TrySetResult(message!));

        try
        {
            Assert.Equal(1, await subscriber.PublishAsync(channel, "model-loaded"));
            Assert.Equal("model-loaded", await received.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        }
        finally
        {
            await subscriber.UnsubscribeAsync(channel);
        }
    }
}
