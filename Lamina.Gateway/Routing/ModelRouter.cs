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
    /// <summary>Records that a request used the model now, so the Runner keeps it while it is used (a write nobody waits for).</summary>
    public void Used(string model) =>
        redis.GetDatabase().HashSet(RedisKeys.InstanceUse, model, time.GetUtcNow().ToUnixTimeMilliseconds(), flags: CommandFlags.FireAndForget);

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
