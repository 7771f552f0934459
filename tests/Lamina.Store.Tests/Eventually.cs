using StackExchange.Redis;

namespace Lamina.Store.Tests;

/// <summary>Waits for a key to expire on the server's clock, which the tests cannot control.</summary>
internal static class Eventually
{
    public static async Task NullAsync(Func<Task<RedisValue>> read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!(await read()).IsNull)
        {
            Assert.True(DateTime.UtcNow < deadline, "the key did not expire within 5 s");
            await Task.Delay(50);
        }
    }
}
