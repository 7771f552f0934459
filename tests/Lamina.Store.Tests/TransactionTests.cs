using StackExchange.Redis;

namespace Lamina.Store.Tests;

[Collection(StoreCollection.Name)]
public sealed class TransactionTests(StoreFixture store)
{
    private readonly IDatabase _db = store.Db;

    [Fact]
    public async Task MultiExecAppliesEveryCommandWhenTheConditionHolds()
    {
        var id = Guid.NewGuid().ToString("N");
        var transaction = _db.CreateTransaction();
        transaction.AddCondition(Condition.KeyNotExists($"claim:{id}"));
        _ = transaction.StringSetAsync($"claim:{id}", "runner-1");
        _ = transaction.HashSetAsync($"instance:{id}", "state", "starting");
        _ = transaction.ListRightPushAsync($"events:{id}", "claimed");

        Assert.True(await transaction.ExecuteAsync());
        Assert.Equal("runner-1", await _db.StringGetAsync($"claim:{id}"));
        Assert.Equal("starting", await _db.HashGetAsync($"instance:{id}", "state"));
        Assert.Equal(1, await _db.ListLengthAsync($"events:{id}"));
    }

    [Fact]
    public async Task MultiExecAppliesNothingWhenTheConditionFails()
    {
        var id = Guid.NewGuid().ToString("N");
        await _db.StringSetAsync($"claim:{id}", "runner-1");
        var transaction = _db.CreateTransaction();
        transaction.AddCondition(Condition.KeyNotExists($"claim:{id}"));
        _ = transaction.StringSetAsync($"claim:{id}", "runner-2");
        _ = transaction.HashSetAsync($"instance:{id}", "state", "starting");

        Assert.False(await transaction.ExecuteAsync());
        Assert.Equal("runner-1", await _db.StringGetAsync($"claim:{id}"));
        Assert.False(await _db.KeyExistsAsync($"instance:{id}"));
    }
}
