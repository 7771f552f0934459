using Lamina.Runner.Instances;
using Lamina.TestSupport.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Lamina.Runner.Tests;

/// <summary>One real store process (Lamina.Store) and one connection, shared by the tests of a class.</summary>
public sealed class StoreFixture : IAsyncLifetime
{
    private StoreProcess? _store;
    private ConnectionMultiplexer? _redis;

    public ConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("The store is not started.");

    public IDatabase Db => Redis.GetDatabase();

    /// <summary>The Runner's record of its instances, written to this store.</summary>
    public InstanceStore Instances(IOptions<RunnerOptions> options, TimeProvider time) =>
        new(Redis, options, time, NullLogger<InstanceStore>.Instance);

    public async Task InitializeAsync()
    {
        (_store, var port) = await StoreProcess.StartReadyAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},connectTimeout=5000");
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
