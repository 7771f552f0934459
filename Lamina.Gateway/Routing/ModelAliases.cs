using System.Collections.Frozen;
using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Gateway.Routing;

/// <summary>
/// Every model's aliases (an Ollama name, a short name), read from the Registry at start and again
/// each time the manifest changes, so a request by alias costs no round trip.
/// </summary>
public sealed partial class ModelAliases(RegistryClient registry, IConnectionMultiplexer redis, ILogger<ModelAliases> logger) : IHostedService
{
    private volatile FrozenDictionary<string, string> _aliases = FrozenDictionary<string, string>.Empty;

    /// <summary>The model's name for a name or an alias; unknown names come back as given (the Runner says they are unknown).</summary>
    public string Resolve(string requested) => _aliases.GetValueOrDefault(requested, requested);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RedisKeys.ManifestEvents), (_, _) => _ = ReloadAsync());
        await ReloadAsync();
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        redis.GetSubscriber().UnsubscribeAsync(RedisChannel.Literal(RedisKeys.ManifestEvents));

    private async Task ReloadAsync()
    {
        try
        {
            var models = await registry.ListModelsAsync(CancellationToken.None);
            var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, model) in models)
            {
                foreach (var alias in model?["aliases"]?.AsArray() ?? [])
                {
                    if (alias?.GetValue<string>() is { } text)
                    {
                        aliases[text] = name;
                    }
                }
            }

            _aliases = aliases.ToFrozenDictionary(StringComparer.Ordinal);
        }
        catch (HttpRequestException e)
        {
            // The Registry is away: keep the last aliases; the next manifest event reads them again.
            LogRegistryAway(logger, e.Message);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Model aliases cannot be read from the Registry now: {Reason}")]
    private static partial void LogRegistryAway(ILogger logger, string reason);
}
