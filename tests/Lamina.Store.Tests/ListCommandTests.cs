using StackExchange.Redis;

namespace Lamina.Store.Tests;

[Collection(StoreCollection.Name)]
public sealed class ListCommandTests(StoreFixture store)
{
    private readonly IDatabase _db = store.Db;

    [Fact]
    public async Task LmoveTakesFromOneListAndAppendsToAnother()
    {
        var queue = $"queue:{Guid.NewGuid():N}";
        var working = $"working:{Guid.NewGuid():N}";
        Assert.Equal(2, await _db.ListRightPushAsync(queue, ["job-1", "job-2"]));
        Assert.Equal(3, await _db.ListLeftPushAsync(queue, "job-0"));

        Assert.Equal("job-0", await _db.ListMoveAsync(queue, working, ListSide.Left, ListSide.Right));
        Assert.Equal("job-1", await _db.ListMoveAsync(queue, working, ListSide.Left, ListSide.Right));

        Assert.Equal(["job-2"], await RangeAsync(queue));
        Assert.Equal(["job-0", "job-1"], await RangeAsync(working));
    }

    [Fact]
    public async Task LremRemovesTheMatchingEntries()
    {
        var key = $"list:{Guid.NewGuid():N}";
        await _db.ListRightPushAsync(key, ["a", "b", "a", "c", "a"]);

        Assert.Equal(2, await _db.ListRemoveAsync(key, "a", count: 2));
        Assert.Equal(["b", "c", "a"], await RangeAsync(key));
        Assert.Equal(0, await _db.ListRemoveAsync(key, "zzz"));
    }

    private async Task<string[]> RangeAsync(string key) =>
        [.. (await _db.ListRangeAsync(key, 0, -1)).Select(v => (string)v!)];
}
