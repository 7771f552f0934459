using System.Text.Json;
using Lamina.Shared.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Lamina.Downloader.Jobs;

/// <summary>
/// Jobs and their progress in Redis, using only what redis-server and the embedded store both
/// offer: a queue list that workers claim from with LMOVE, a lease key per running job that its
/// worker keeps renewing, a hash per job, and pub/sub for progress and signals.
/// </summary>
public sealed class DownloadQueue(IConnectionMultiplexer redis, IOptions<DownloaderOptions> options, TimeProvider time)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>The model's queued or running job when it has one, else a new job, queued.</summary>
    public async Task<(DownloadInfo Job, bool Created)> EnqueueAsync(DownloadRequest request, string state = DownloadStates.Queued)
    {
        var id = $"dl-{Guid.NewGuid():N}"[..15];
        var ofModel = RedisKeys.DownloadOfModel(request.Model);
        while (!await Db.StringSetAsync(ofModel, id, when: When.NotExists))
        {
            if (await Db.StringGetAsync(ofModel) is { HasValue: true } existing && await GetAsync(existing!) is { IsFinished: false } running)
            {
                return (running, false);
            }

            // A finished or expired job's claim on the model is stale.
            await Db.KeyDeleteAsync(ofModel);
        }

        var now = time.GetUtcNow();
        var job = new DownloadInfo(id, request.Model, state) { Source = request.Source, CreatedAt = now, UpdatedAt = now };
        await Db.HashSetAsync(RedisKeys.Download(id), [new("request", JsonSerializer.Serialize(request, LaminaJson.Options)), new("info", Serialize(job))]);
        await Db.ListLeftPushAsync(RedisKeys.Downloads, id);
        if (job.IsFinished)
        {
            await FinishAsync(job);
            return (job, true);
        }

        await Db.ListRightPushAsync(RedisKeys.DownloadQueue, id);
        await PublishAsync(job);
        await Db.PublishAsync(RedisChannel.Literal(RedisKeys.DownloadSignals), $"queued:{id}");
        return (job, true);
    }

    public async Task<DownloadInfo?> GetAsync(string id)
    {
        var info = await Db.HashGetAsync(RedisKeys.Download(id), "info");
        return info.HasValue ? JsonSerializer.Deserialize<DownloadInfo>(info.ToString(), LaminaJson.Options) : null;
    }

    public async Task<DownloadRequest?> RequestAsync(string id)
    {
        var request = await Db.HashGetAsync(RedisKeys.Download(id), "request");
        return request.HasValue ? JsonSerializer.Deserialize<DownloadRequest>(request.ToString(), LaminaJson.Options) : null;
    }

    /// <summary>Every job still kept, newest first.</summary>
    public async Task<IReadOnlyList<DownloadInfo>> ListAsync()
    {
        var jobs = new List<DownloadInfo>();
        foreach (var id in await Db.ListRangeAsync(RedisKeys.Downloads))
        {
            if (await GetAsync(id!) is { } job)
            {
                jobs.Add(job);
            }
            else
            {
                await Db.ListRemoveAsync(RedisKeys.Downloads, id);
            }
        }

        return jobs;
    }

    /// <summary>Stores the job's new state and tells whoever follows it.</summary>
    public async Task SaveAsync(DownloadInfo job)
    {
        await Db.HashSetAsync(RedisKeys.Download(job.Id), "info", Serialize(job));
        await PublishAsync(job);
    }

    /// <summary>A queued job for this worker, or null when none waits.</summary>
    public async Task<string?> ClaimAsync(string worker)
    {
        var id = await Db.ListMoveAsync(RedisKeys.DownloadQueue, RedisKeys.DownloadsActive, ListSide.Left, ListSide.Right);
        if (id.IsNull)
        {
            return null;
        }

        await Db.StringSetAsync(RedisKeys.DownloadLease(id!), worker, options.Value.Lease);
        return id;
    }

    /// <summary>Extends the worker's lease; false when another worker holds the job now.</summary>
    public async Task<bool> RenewAsync(string id, string worker)
    {
        var lease = RedisKeys.DownloadLease(id);
        var holder = await Db.StringGetAsync(lease);
        if (holder.IsNull)
        {
            // Lost with a store that restarted empty: the job is still this worker's.
            return await Db.StringSetAsync(lease, worker, options.Value.Lease, When.NotExists);
        }

        return holder == worker && await Db.KeyExpireAsync(lease, options.Value.Lease);
    }

    /// <summary>Records the final state: the job leaves the active list and is kept for a while, then expires.</summary>
    public async Task FinishAsync(DownloadInfo job)
    {
        await SaveAsync(job);
        await Db.ListRemoveAsync(RedisKeys.DownloadsActive, job.Id);
        await Db.ListRemoveAsync(RedisKeys.DownloadQueue, job.Id);
        await Db.KeyDeleteAsync(RedisKeys.DownloadLease(job.Id));
        if (await Db.StringGetAsync(RedisKeys.DownloadOfModel(job.Model)) == job.Id)
        {
            await Db.KeyDeleteAsync(RedisKeys.DownloadOfModel(job.Model));
        }

        await Db.KeyExpireAsync(RedisKeys.Download(job.Id), options.Value.KeepFinished);
    }

    /// <summary>Puts a claimed job back in the queue (its worker stopped or died); true when this call did it.</summary>
    public async Task<bool> RequeueAsync(string id)
    {
        if (await Db.ListRemoveAsync(RedisKeys.DownloadsActive, id, 1) != 1)
        {
            return false;
        }

        await Db.KeyDeleteAsync(RedisKeys.DownloadLease(id));
        await Db.ListLeftPushAsync(RedisKeys.DownloadQueue, id);
        await Db.PublishAsync(RedisChannel.Literal(RedisKeys.DownloadSignals), $"queued:{id}");
        return true;
    }

    /// <summary>Claimed jobs whose lease has expired: their worker is gone.</summary>
    public async Task<IReadOnlyList<string>> OrphansAsync()
    {
        var orphans = new List<string>();
        foreach (var id in await Db.ListRangeAsync(RedisKeys.DownloadsActive))
        {
            if (!await Db.KeyExistsAsync(RedisKeys.DownloadLease(id!)))
            {
                orphans.Add(id!);
            }
        }

        return orphans;
    }

    /// <summary>Takes a job out of the queue if it is still waiting there; true when it was.</summary>
    public async Task<bool> DequeueAsync(string id) => await Db.ListRemoveAsync(RedisKeys.DownloadQueue, id) > 0;

    /// <summary>Tells the Registry the file's digest, measured as it arrived, so it need not read the file again to verify it.</summary>
    public async Task RecordChecksumAsync(string path, string sha256)
    {
        try
        {
            await Db.HashSetAsync(RedisKeys.Checksums, path, JsonSerializer.Serialize(ChecksumVerdict.Of(new FileInfo(path), sha256), LaminaJson.Options));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Only a saving: without it the Registry hashes the file itself.
        }
    }

    public Task SignalAsync(string signal) => Db.PublishAsync(RedisChannel.Literal(RedisKeys.DownloadSignals), signal);

    private Task PublishAsync(DownloadInfo job) => Db.PublishAsync(RedisChannel.Literal(RedisKeys.DownloadEvents), Serialize(job));

    private static string Serialize(DownloadInfo job) => JsonSerializer.Serialize(job, LaminaJson.Options);
}
