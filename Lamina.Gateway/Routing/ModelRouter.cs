using System.Text.Json;
using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Gateway.Routing;

/// <summary>
/// Finds the backend serving a model: the instance the Runner recorded in Redis when it is
/// ready (one round trip), otherwise a start through the Runner, which all callers share.
/// </summary>
public sealed class ModelRouter(IConnectionMultiplexer redis, RunnerClient runner, TimeProvider time)
{
    /// <summary>Records that a request for the model began: it counts as in use until <see cref="Ended"/> (writes nobody waits for).</summary>
    public void Began(string model) => Record(model, +1);

    /// <summary>Records that the request ended now: the model's idle time counts from here.</summary>
    public void Ended(string model) => Record(model, -1);

    private void Record(string model, int inFlight)
    {
        var db = redis.GetDatabase();
        db.HashIncrement(RedisKeys.InstanceInFlight, model, inFlight, CommandFlags.FireAndForget);
        db.HashSet(RedisKeys.InstanceUse, model, time.GetUtcNow().ToUnixTimeMilliseconds(), flags: CommandFlags.FireAndForget);
    }

    public async Task<RouteResult> RouteAsync(string model, CancellationToken cancellationToken)
    {
        var recorded = await redis.GetDatabase().HashGetAsync(RedisKeys.Instances, model);
        if (recorded.HasValue
            && JsonSerializer.Deserialize<InstanceInfo>(recorded.ToString(), LaminaJson.Options) is { IsReady: true, Endpoint: { } endpoint })
        {
            return new RouteResult(endpoint, 200, null);
        }

        var (instance, status, problem) = await runner.StartAsync(model, cancellationToken);
        return new RouteResult(instance?.Endpoint, status, problem);
    }
}

public sealed record RouteResult(string? Endpoint, int Status, string? Problem);
