using StackExchange.Redis;

namespace Lamina.Store.Tests;

[Collection(StoreCollection.Name)]
public sealed class StringCommandTests(StoreFixture store)
{
    private readonly IDatabase _db = store.Db;

    [Fact]
    public async Task SetNxPxTakesTheKeyOnceAndReleasesItWhenItExpires()
    {
        var key = $"lock:{Guid.NewGuid():N}";
        // Long enough that the second SET comes inside it on a busy 2-core machine (400 ms once did not, in a full run).
        const int Held = 2000;

        Assert.Equal("OK", (string?)await _db.ExecuteAsync("SET", key, "owner-a", "NX", "PX", Held));
        Assert.True((await _db.ExecuteAsync("SET", key, "owner-b", "NX", "PX", Held)).IsNull);
        Assert.Equal("owner-a", await _db.StringGetAsync(key));
        Assert.InRange((long)await _db.ExecuteAsync("PTTL", key), 1, Held);

        await Eventually.NullAsync(() => _db.StringGetAsync(key));
        Assert.Equal("OK", (string?)await _db.ExecuteAsync("SET", key, "owner-b", "NX", "PX", Held));
        Assert.Equal("owner-b", await _db.StringGetAsync(key));
    }

    [Fact]
    public async Task ExpireAndPexpireSetTheTtlThatTtlReports()
    {
        var key = $"ttl:{Guid.NewGuid():N}";
        await _db.StringSetAsync(key, "v");
        Assert.Equal(-1, (long)await _db.ExecuteAsync("TTL", key));

        Assert.Equal(1, (long)await _db.ExecuteAsync("EXPIRE", key, 100));
        Assert.InRange((long)await _db.ExecuteAsync("TTL", key), 99, 100);

        // As the lock's: a window a busy machine's next command still falls inside.
        Assert.Equal(1, (long)await _db.ExecuteAsync("PEXPIRE", key, 2000));
        Assert.InRange((long)await _db.ExecuteAsync("PTTL", key), 1, 2000);
        await Eventually.NullAsync(() => _db.StringGetAsync(key));
        Assert.Equal(-2, (long)await _db.ExecuteAsync("TTL", key));
    }

    [Fact]
    public async Task DelRemovesOnlyTheKeysThatExist()
    {
        var a = $"del:{Guid.NewGuid():N}";
        var b = $"del:{Guid.NewGuid():N}";
        await _db.StringSetAsync(a, "1");
        await _db.StringSetAsync(b, "2");

        Assert.Equal(2, (long)await _db.ExecuteAsync("DEL", a, b, $"del:{Guid.NewGuid():N}"));
        Assert.True((await _db.StringGetAsync(a)).IsNull);
        Assert.False(await _db.KeyExistsAsync(b));
    }
}
