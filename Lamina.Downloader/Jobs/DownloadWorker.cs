using System.Collections.Concurrent;
using Lamina.Downloader.Transfer;
using Lamina.Shared.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Lamina.Downloader.Jobs;

/// <summary>
/// Takes queued jobs, up to <see cref="DownloaderOptions.MaxConcurrent"/> at once, holding a
/// renewed lease on each; puts back jobs whose worker died (lease expired) so they resume from
/// the bytes on disk; and on shutdown hands its own jobs back to the queue.
/// </summary>
public sealed partial class DownloadWorker(
    DownloadQueue queue, JobRunner runner, IConnectionMultiplexer redis, IOptions<DownloaderOptions> options, ILogger<DownloadWorker> logger)
    : BackgroundService
{
    private readonly string _worker = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _queued = new(0);
    private readonly HashSet<string> _suspects = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RedisKeys.DownloadSignals), (_, signal) => OnSignal(signal.ToString()));
        var slots = new SemaphoreSlim(options.Value.MaxConcurrent);
        var jobs = new List<Task>();
        using var reaping = new PeriodicTimer(options.Value.Lease / 3);
        var reaper = ReapAsync(reaping, stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                var id = await ClaimAsync();
                if (id is null)
                {
                    slots.Release();
                    await _queued.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                    continue;
                }

                jobs.RemoveAll(job => job.IsCompleted);
                jobs.Add(Task.Run(async () =>
                {
                    try
                    {
                        await RunAsync(id, stoppingToken);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Shutdown drains: each job stops, keeps its bytes on disk and goes back to the queue.
        await Task.WhenAll(jobs);
        await reaper;
    }

    private async Task<string?> ClaimAsync()
    {
        try
        {
            return await queue.ClaimAsync(_worker);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogStoreAway(logger, e.Message);
            return null;
        }
    }

    private async Task RunAsync(string id, CancellationToken stoppingToken)
    {
        using var job = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _running[id] = job;
        var renewing = RenewAsync(id, job);
        try
        {
            await runner.RunAsync(id, job.Token);
        }
        catch (OperationCanceledException) when (job.IsCancellationRequested)
        {
            await StoppedAsync(id, stoppingToken.IsCancellationRequested);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogJobFailed(logger, id, e);
            if (await queue.GetAsync(id) is { IsFinished: false } failed)
            {
                await queue.FinishAsync(failed with { State = DownloadStates.Failed, Error = $"the Downloader failed: {e.Message}" });
            }
        }
        finally
        {
            _running.TryRemove(id, out _);
            await job.CancelAsync();
            await renewing;
        }
    }

    /// <summary>After a job stopped early: a cancelled job leaves no partial files, one stopped by shutdown goes back to the queue.</summary>
    private async Task StoppedAsync(string id, bool shuttingDown)
    {
        var job = await queue.GetAsync(id);
        if (job is { State: DownloadStates.Cancelled })
        {
            foreach (var file in job.Files)
            {
                FileTransfer.Discard(Path.Combine(runner.ModelsPath, file));
            }

            LogCancelled(logger, id);
        }
        else if (shuttingDown)
        {
            await queue.RequeueAsync(id);
            LogHandedBack(logger, id);
        }
    }

    private async Task RenewAsync(string id, CancellationTokenSource job)
    {
        using var timer = new PeriodicTimer(options.Value.Lease / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(job.Token))
            {
                try
                {
                    if (!await queue.RenewAsync(id, _worker))
                    {
                        LogTakenOver(logger, id);
                        await job.CancelAsync();
                    }
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    // The transfer does not need the store; the lease is renewed once it is back.
                    LogStoreAway(logger, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Puts back claimed jobs whose lease is gone, once seen so on two rounds in a row (a claim sets its lease a moment after taking the job).</summary>
    private async Task ReapAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var orphans = (await queue.OrphansAsync()).Where(id => !_running.ContainsKey(id)).ToHashSet();
                    foreach (var id in orphans.Where(_suspects.Contains))
                    {
                        if (await queue.RequeueAsync(id))
                        {
                            LogRequeued(logger, id);
                        }
                    }

                    _suspects.Clear();
                    _suspects.UnionWith(orphans);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    LogStoreAway(logger, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnSignal(string signal)
    {
        if (signal.StartsWith("queued:", StringComparison.Ordinal))
        {
            _queued.Release();
        }
        else if (signal.StartsWith("cancel:", StringComparison.Ordinal) && _running.TryGetValue(signal["cancel:".Length..], out var job))
        {
            job.Cancel();
        }
    }

    [LoggerMessage(LogLevel.Warning, "The store cannot be reached: {Reason}")]
    private static partial void LogStoreAway(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Error, "Download {Job} failed unexpectedly")]
    private static partial void LogJobFailed(ILogger logger, string job, Exception exception);

    [LoggerMessage(LogLevel.Information, "Download {Job} cancelled; its partial files are removed")]
    private static partial void LogCancelled(ILogger logger, string job);

    [LoggerMessage(LogLevel.Information, "Download {Job} handed back to the queue at shutdown")]
    private static partial void LogHandedBack(ILogger logger, string job);

    [LoggerMessage(LogLevel.Warning, "Download {Job} is held by another worker now; stopping here")]
    private static partial void LogTakenOver(ILogger logger, string job);

    [LoggerMessage(LogLevel.Information, "Download {Job} lost its worker; back in the queue to resume")]
    private static partial void LogRequeued(ILogger logger, string job);
}
