using StackExchange.Redis;

namespace Lamina.Store.Tests;

[Collection(StoreCollection.Name)]
public sealed class KeyspaceTests(StoreFixture store)
{
    private readonly IDatabase _db = store.Db;

    [Fact]
    public async Task ScanWalksEveryMatchingKeyAcrossCursorPages()
    {
        var prefix = $"scan:{Guid.NewGuid():N}:";
        var expected = Enumerable.Range(0, 25).Select(i => $"{prefix}{i}").ToHashSet();
        foreach (var key in expected)
        {
            await _db.StringSetAsync(key, "x");
        }

        HashSet<string> seen = [];
        long cursor = 0;
        do
        {
            var page = (RedisResult[])(await _db.ExecuteAsync("SCAN", cursor, "MATCH", $"{prefix}*", "COUNT", 5))!;
            cursor = long.Parse((string)page[0]!, System.Globalization.CultureInfo.InvariantCulture);
            seen.UnionWith(((RedisResult[])page[1]!).Select(k => (string)k!));
        }
        while (cursor != 0);

        Assert.Equal(expected, seen);

        // StackExchange.Redis's own cursor walk (IServer.KeysAsync) is also SCAN.
        HashSet<string> walked = [];
        await foreach (var key in store.Server.KeysAsync(pattern: $"{prefix}*", pageSize: 5))
        {
            walked.Add(key!);
        }
        Assert.Equal(expected, walked);
    }

    [Fact]
    public async Task KeysReturnsTheMatchingKeys()
    {
        var prefix = $"keys:{Guid.NewGuid():N}:";
        await _db.StringSetAsync($"{prefix}a", "1");
        await _db.HashSetAsync($"{prefix}b", "f", "v");

        var keys = (RedisResult[])(await _db.ExecuteAsync("KEYS", $"{prefix}*"))!;

        Assert.Equal([$"{prefix}a", $"{prefix}b"], keys.Select(k => (string)k!).Order());
    }

    [Fact]
    public async Task PingAndInfoAnswer()
    {
        Assert.Equal("PONG", (string?)await _db.ExecuteAsync("PING"));
        Assert.True(await _db.PingAsync() < TimeSpan.FromSeconds(5));

        var info = (string?)await _db.ExecuteAsync("INFO", "server");
        Assert.Contains("redis_version:", info);
        Assert.Contains("garnet_version:", info);
    }
}
