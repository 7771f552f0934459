using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Registry.Catalog;

/// <summary>
/// Picks up edits to the manifest within a second, once the file has settled (a file-system event, or a poll for file
/// systems that send none) and tells the other services over Redis pub/sub.
/// </summary>
public sealed partial class ManifestWatcher(ManifestSeed seed, ModelCatalog catalog, IConnectionMultiplexer redis, TimeProvider time, ILogger<ManifestWatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    // Writers that truncate and then write (shell redirection, many editors) leave a moment when
    // the file is empty or half written; a version younger than this is read a moment later.
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim _changed = new(0);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        seed.EnsureLiveManifest();
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
            await SettledAsync(stoppingToken);
            if (catalog.Refresh())
            {
                var snapshot = catalog.Current;
                LogChanged(logger, snapshot.ETag, snapshot.Problems.Count);
                catalog.VerifyChecksums();
                await redis.GetDatabase().PublishAsync(RedisChannel.Literal(RedisKeys.ManifestEvents), snapshot.ETag);
            }
        }
    }

    private async Task SettledAsync(CancellationToken cancellationToken)
    {
        while (time.GetUtcNow().UtcDateTime - File.GetLastWriteTimeUtc(catalog.ManifestPath) is { } age && age >= TimeSpan.Zero && age < SettleTime)
        {
            await Task.Delay(SettleTime - age, time, cancellationToken);
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
