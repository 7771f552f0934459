using StackExchange.Redis;

namespace Lamina.Store.Tests;

[Collection(StoreCollection.Name)]
public sealed class HashCommandTests(StoreFixture store)
{
    private readonly IDatabase _db = store.Db;

    [Fact]
    public async Task HashFieldsRoundTripThroughHsetHgetHgetallAndHdel()
    {
        var key = $"model:{Guid.NewGuid():N}";

        Assert.Equal(3, (long)await _db.ExecuteAsync("HSET", key, "name", "tiny", "state", "ready", "bytes", "1024"));
        Assert.Equal(0, (long)await _db.ExecuteAsync("HSET", key, "state", "loaded"));
        Assert.Equal("loaded", await _db.HashGetAsync(key, "state"));
        Assert.True((await _db.HashGetAsync(key, "missing")).IsNull);

        var all = (await _db.HashGetAllAsync(key)).ToDictionary(e => (string)e.Name!, e => (string?)e.Value);
        Assert.Equal(new Dictionary<string, string?> { ["name"] = "tiny", ["state"] = "loaded", ["bytes"] = "1024" }, all);

        Assert.Equal(1, (long)await _db.ExecuteAsync("HDEL", key, "bytes", "missing"));
        Assert.Equal(["name", "state"], (await _db.HashKeysAsync(key)).Select(k => (string)k!).Order());
    }
}
