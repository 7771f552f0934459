using System.Collections.Frozen;
using Lamina.Shared.Clients;

namespace Lamina.Gateway.Routing;

/// <summary>
/// Every model's aliases (an Ollama name, a short name), read from the Registry at start and again
/// each time the manifest changes (<see cref="StoreEvents"/>), so a request by alias costs no round trip.
/// When the Registry cannot be read (a gateway that starts while it is away), they are read again every
/// <see cref="RetryInterval"/> until it responds, without holding up the gateway's start.
/// </summary>
public sealed partial class ModelAliases(RegistryClient registry, TimeProvider time, ILogger<ModelAliases> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private volatile FrozenDictionary<string, string> _aliases = FrozenDictionary<string, string>.Empty;
    private int _retrying;

    /// <summary>The model's name for a name or an alias; unknown names come back as given (the Runner says they are unknown).</summary>
    public string Resolve(string requested) => _aliases.GetValueOrDefault(requested, requested);

    public Task StartAsync(CancellationToken cancellationToken) => LoadAsync();

    public Task StopAsync(CancellationToken cancellationToken) => _stopping.CancelAsync();

    public void Dispose() => _stopping.Dispose();

    /// <summary>Reads the aliases; when that fails, goes on trying in the background (one loop at a time), without holding up the caller.</summary>
    public async Task LoadAsync()
    {
        if (!await ReloadAsync() && Interlocked.Exchange(ref _retrying, 1) == 0)
        {
            _ = RetryAsync();
        }
    }

    private async Task RetryAsync()
    {
        try
        {
            do
            {
                await Task.Delay(RetryInterval, time, _stopping.Token);
            }
            while (!await ReloadAsync());
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The gateway stops.
        }
        finally
        {
            Volatile.Write(ref _retrying, 0);
        }
    }

    /// <summary>Reads the aliases; false when the Registry could not be asked (the last ones stay).</summary>
    private async Task<bool> ReloadAsync()
    {
        try
        {
            var models = await registry.ListModelsAsync(CancellationToken.None);
            var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, model) in models)
            {
                foreach (var alias in model.Aliases ?? [])
                {
                    aliases[alias] = name;
                }
            }

            _aliases = aliases.ToFrozenDictionary(StringComparer.Ordinal);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or Polly.Timeout.TimeoutRejectedException or TaskCanceledException or System.Text.Json.JsonException)
        {
            // The Registry is away or said something else: keep the last aliases.
            LogRegistryAway(logger, e.Message);
            return false;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Model aliases cannot be read from the Registry now: {Reason}")]
    private static partial void LogRegistryAway(ILogger logger, string reason);
}
