using StackExchange.Redis;

namespace Lamina.Store.Tests;

/// <summary>One store process and one connection, shared by every test in <see cref="StoreCollection"/>.</summary>
public sealed class StoreFixture : IAsyncLifetime
{
    private StoreProcess? _store;
    private ConnectionMultiplexer? _redis;

    public ConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("The store is not started.");

    public IDatabase Db => Redis.GetDatabase();

    public IServer Server => Redis.GetServers()[0];

    public async Task InitializeAsync()
    {
        (_store, var port) = await StoreProcess.StartReadyAsync();
        // allowAdmin: StackExchange.Redis refuses KEYS and INFO without it.
        _redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},connectTimeout=5000,allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class StoreCollection : ICollectionFixture<StoreFixture>
{
    public const string Name = "store";
}
