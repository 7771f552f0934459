using System.Collections.Concurrent;
using System.Text.Json;
using Lamina.Shared.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Lamina.Runner.Instances;

/// <summary>
/// Publishes this Runner's instances to Redis, where gateways on any node find them. Each record
/// expires unless renewed, and a heartbeat renews them, so the records of a Runner that died go by
/// themselves. A store that is away costs the records, never a start; the heartbeat writes them again.
/// </summary>
public sealed partial class InstanceStore(
    IConnectionMultiplexer redis, IOptions<RunnerOptions> options, TimeProvider time, ILogger<InstanceStore> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, InstanceInfo> _own = new(StringComparer.Ordinal);

    /// <summary>This Runner among all: its machine and process.</summary>
    public static string Node { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>How long a record lives without a heartbeat: three beats, so one slow beat loses nothing.</summary>
    public TimeSpan Expiry => options.Value.HeartbeatInterval * 3;

    public async Task SaveAsync(InstanceInfo instance)
    {
        var stamped = instance with { Node = Node, Heartbeat = time.GetUtcNow() };
        _own[instance.Model] = stamped;
        await TryAsync(async database =>
        {
            await WriteAsync(database, stamped);
            await database.PublishAsync(RedisChannel.Literal(RedisKeys.InstanceEvents), instance.Model);
        });
    }

    public async Task RemoveAsync(string model)
    {
        _own.TryRemove(model, out _);
        await TryAsync(async database =>
        {
            await database.KeyDeleteAsync(RedisKeys.Instance(model));
            await database.SetRemoveAsync(RedisKeys.LiveInstances, model);
            await database.PublishAsync(RedisChannel.Literal(RedisKeys.InstanceEvents), model);
        });
    }

    /// <summary>The model's record, whichever Runner wrote it; null when none is alive.</summary>
    public async Task<InstanceInfo?> FindAsync(string model)
    {
        var value = await redis.GetDatabase().StringGetAsync(RedisKeys.Instance(model));
        return value.HasValue ? JsonSerializer.Deserialize<InstanceInfo>(value.ToString(), LaminaJson.Options) : null;
    }

    /// <summary>
    /// Forgets the records an earlier Runner on this machine left (its backends were just ended), and
    /// index entries whose record expired; other machines' records are theirs.
    /// </summary>
    public async Task ForgetEarlierRunnersAsync()
    {
        var database = redis.GetDatabase();
        var machine = Environment.MachineName + "/";
        foreach (var member in await database.SetMembersAsync(RedisKeys.LiveInstances))
        {
            var model = member.ToString();
            var record = await FindAsync(model);
            if (record is null || (record.Node?.StartsWith(machine, StringComparison.Ordinal) == true && record.Node != Node))
            {
                await database.KeyDeleteAsync(RedisKeys.Instance(model));
                await database.SetRemoveAsync(RedisKeys.LiveInstances, model);
            }
        }
    }

    /// <summary>Renews every record of this Runner, and the start locks of models still loading.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = time.GetUtcNow();
            await TryAsync(async database =>
            {
                foreach (var (model, instance) in _own)
                {
                    var renewed = instance with { Heartbeat = now };
                    if (_own.TryUpdate(model, renewed, instance))
                    {
                        await WriteAsync(database, renewed);
                    }

                    if (instance.State is InstanceStates.Starting or InstanceStates.Loading)
                    {
                        await database.KeyExpireAsync(RedisKeys.InstanceStartLock(model), Expiry);
                    }
                }
            });
        }
    }

    private async Task WriteAsync(IDatabase database, InstanceInfo instance)
    {
        await database.StringSetAsync(RedisKeys.Instance(instance.Model), JsonSerializer.Serialize(instance, LaminaJson.Options), Expiry);
        await database.SetAddAsync(RedisKeys.LiveInstances, instance.Model);
    }

    private async Task TryAsync(Func<IDatabase, Task> write)
    {
        try
        {
            await write(redis.GetDatabase());
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogStoreAway(logger, e.Message);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Instance records cannot be written now ({Reason}); the next heartbeat writes them again")]
    private static partial void LogStoreAway(ILogger logger, string reason);
}
