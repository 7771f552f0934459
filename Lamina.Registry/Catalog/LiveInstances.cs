using System.Collections.Concurrent;
using System.Text.Json;
using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Registry.Catalog;

/// <summary>
/// The instances the Runners record in Redis, kept in memory and refreshed by their change events,
/// so answering "which models are active" costs no round trip. Records expire when their Runner
/// dies without a word, so they are also read again every few seconds.
/// </summary>
public sealed partial class LiveInstances(IConnectionMultiplexer redis, TimeProvider time, ILogger<LiveInstances> logger) : BackgroundService
{
    private static readonly TimeSpan Reread = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, InstanceInfo> _active = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, InstanceInfo> Active => _active;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribe before the first read, so no change falls between the two.
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RedisKeys.InstanceEvents), (channel, model) => { _ = RefreshAsync(model.ToString()); });
        await ReadAllAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Reread, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReadAllAsync();
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogStoreAway(logger, e.Message);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await redis.GetSubscriber().UnsubscribeAsync(RedisChannel.Literal(RedisKeys.InstanceEvents));
        await base.StopAsync(cancellationToken);
    }

    private async Task ReadAllAsync()
    {
        var database = redis.GetDatabase();
        var models = (await database.SetMembersAsync(RedisKeys.LiveInstances)).Select(member => member.ToString()).ToList();
        var records = models.Count == 0 ? [] : await database.StringGetAsync([.. models.Select(model => (RedisKey)RedisKeys.Instance(model))]);
        for (var i = 0; i < models.Count; i++)
        {
            Apply(models[i], records[i]);
        }

        foreach (var gone in _active.Keys.Except(models))
        {
            _active.TryRemove(gone, out _);
        }
    }

    private async Task RefreshAsync(string model) => Apply(model, await redis.GetDatabase().StringGetAsync(RedisKeys.Instance(model)));

    private void Apply(string model, RedisValue value)
    {
        var instance = value.HasValue ? JsonSerializer.Deserialize<InstanceInfo>(value.ToString(), LaminaJson.Options) : null;
        if (instance is { State: not (InstanceStates.Stopped or InstanceStates.Failed) })
        {
            _active[model] = instance;
        }
        else
        {
            _active.TryRemove(model, out _);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Running instances cannot be read now: {Reason}")]
    private static partial void LogStoreAway(ILogger logger, string reason);
}
