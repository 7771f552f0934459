using System.Collections.Concurrent;
using System.Text.Json;
using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Gateway.Routing;

/// <summary>
/// Finds the backend serving a model: the instance the Runner recorded in Redis when it is
/// ready (one round trip), otherwise a start through the Runner, which all callers share.
/// </summary>
public sealed class ModelRouter(IConnectionMultiplexer redis, RunnerClient runner, ModelUse use, TimeProvider time)
{
    /// <summary>How long a ready instance is trusted without asking Redis again; a change event forgets it sooner.</summary>
    private static readonly TimeSpan Trusted = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (RouteResult Route, long At)> _ready = new(StringComparer.Ordinal);

    /// <summary>Records that a request for the model began: it counts as in use until <see cref="Ended"/>.</summary>
    public void Began(string model) => use.Began(model);

    /// <summary>Records that the request ended now: the model's idle time counts from here.</summary>
    public void Ended(string model) => use.Ended(model);

    /// <summary>Forgets what is known of the model's instance: its backend failed to respond, or its Runner said it changed.</summary>
    public void Forget(string model) => _ready.TryRemove(model, out _);

    /// <summary>
    /// The ready instance (with <paramref name="contextLength"/>, when one is asked); else a start through the Runner,
    /// as when the request sets keep_alive, waited for at most <paramref name="timeout"/> (see <see cref="StartWithinAsync"/>).
    /// </summary>
    public async Task<RouteResult> RouteWithinAsync(string model, string? keepAlive, int? contextLength, TimeSpan timeout, CancellationToken cancellationToken) =>
        keepAlive is null && await FindReadyAsync(model) is { } ready && (contextLength is null || ready.ContextLength == contextLength)
            ? ready
            : await StartWithinAsync(model, keepAlive, contextLength, timeout, cancellationToken);

    /// <summary>The model's ready instance: known from the last second, else as recorded in Redis (one round trip); null when none is ready.</summary>
    public async Task<RouteResult?> FindReadyAsync(string model)
    {
        if (_ready.TryGetValue(model, out var known) && time.GetElapsedTime(known.At) < Trusted)
        {
            return known.Route;
        }

        var recorded = await redis.GetDatabase().StringGetAsync(RedisKeys.Instance(model));
        if (!recorded.HasValue
            || JsonSerializer.Deserialize<InstanceInfo>(recorded.ToString(), LaminaJson.Options) is not { IsReady: true, Endpoint: { } endpoint } ready)
        {
            _ready.TryRemove(model, out _);
            return null;
        }

        var route = new RouteResult(endpoint, 200, null, ready.ServedModel) { ContextLength = ready.ContextLength, Backend = ready.Backend };
        _ready[model] = (route, time.GetTimestamp());
        return route;
    }

    /// <summary>
    /// Where the model runs now, after its recorded backend refused a connection: the Runner is asked, not the store,
    /// whose record may still name the backend that just failed; it restarts the model if need be, waited for at most
    /// <paramref name="timeout"/> (see <see cref="StartWithinAsync"/>).
    /// </summary>
    public Task<RouteResult> RerouteAsync(string model, string? keepAlive, int? contextLength, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Forget(model);
        return StartWithinAsync(model, keepAlive, contextLength, timeout, cancellationToken);
    }

    /// <summary>
    /// As <see cref="StartAsync(string, string?, int?, CancellationToken)"/>, waiting at most <paramref name="timeout"/>
    /// (Lamina:Gateway:StartTimeout): past it, a <see cref="TimeoutException"/>, and the model goes on loading.
    /// </summary>
    public async Task<RouteResult> StartWithinAsync(string model, string? keepAlive, int? contextLength, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        waiting.CancelAfter(timeout);
        try
        {
            return await StartAsync(model, keepAlive, contextLength, waiting.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"model '{model}' is still loading after {timeout.TotalSeconds:0} s (Lamina:Gateway:StartTimeout)");
        }
    }

    /// <summary>Starts the model through the Runner (or finds it running there), with the context to run it with (Ollama's num_ctx), and waits until it is ready.</summary>
    public async Task<RouteResult> StartAsync(string model, string? keepAlive, int? contextLength, CancellationToken cancellationToken)
    {
        // A start may stop the least recently used model to make room: the Runner must see this gateway's latest use.
        try
        {
            await use.WriteAsync();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // The Runner decides on what it has; the presence loop writes it when the store is back.
        }

        var (instance, status, problem) = await runner.StartAsync(model, keepAlive, contextLength, cancellationToken);
        return new RouteResult(instance?.Endpoint, status, problem, instance?.ServedModel) { ContextLength = instance?.ContextLength, Backend = instance?.Backend };
    }
}

/// <summary>Where to send a model's request, and the model id its backend expects when that is not the model's name.</summary>
public sealed record RouteResult(string? Endpoint, int Status, string? Problem, string? ServedModel = null)
{
    public int? ContextLength { get; init; }

    /// <summary>The backend serving it (llama.cpp, embedded, vllm, mlc), for telemetry.</summary>
    public string? Backend { get; init; }
}
