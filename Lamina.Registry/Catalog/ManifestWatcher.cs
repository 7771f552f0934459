using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Registry.Catalog;

/// <summary>
/// Picks up edits to the manifest within a second (a file-system event, or a poll for file
/// systems that send none) and tells the other services over Redis pub/sub.
/// </summary>
public sealed partial class ManifestWatcher(ModelCatalog catalog, IConnectionMultiplexer redis, ILogger<ManifestWatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private readonly SemaphoreSlim _changed = new(0);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        catalog.Refresh();
        catalog.VerifyChecksums();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var watcher = Watch();
        while (!stoppingToken.IsCancellationRequested)
        {
            await _changed.WaitAsync(PollInterval, stoppingToken);
            if (catalog.Refresh())
            {
                var snapshot = catalog.Current;
                LogChanged(logger, snapshot.ETag, snapshot.Problems.Count);
                catalog.VerifyChecksums();
                await redis.GetDatabase().PublishAsync(RedisChannel.Literal(RedisKeys.ManifestEvents), snapshot.ETag);
            }
        }
    }

    private FileSystemWatcher? Watch()
    {
        var folder = Path.GetDirectoryName(catalog.ManifestPath);
        if (folder is null || !Directory.Exists(folder))
        {
            return null;
        }

        var watcher = new FileSystemWatcher(folder, Path.GetFileName(catalog.ManifestPath))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        FileSystemEventHandler poke = (_, _) => _changed.Release();
        watcher.Changed += poke;
        watcher.Created += poke;
        watcher.Renamed += (_, _) => _changed.Release();
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    [LoggerMessage(LogLevel.Information, "Manifest changed: version {ETag}, {Problems} problems")]
    private static partial void LogChanged(ILogger logger, string etag, int problems);
}
