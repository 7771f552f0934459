namespace Lamina.Shared.Contracts;

/// <summary>Every Redis key Lamina uses, in one place so services agree on them.</summary>
public static class RedisKeys
{
    /// <summary>String per model: its <see cref="InstanceInfo"/> JSON, expiring unless its Runner renews it (heartbeat), so a dead Runner's entries go by themselves.</summary>
    public static string Instance(string model) => $"lamina:instance:{model}";

    /// <summary>Set: the models that have an <see cref="Instance"/> record; members whose record expired are dropped when read.</summary>
    public const string LiveInstances = "lamina:instances:live";

    /// <summary>String per model: the Runner starting it, with an expiry it renews while loading; one start across every Runner.</summary>
    public static string InstanceStartLock(string model) => $"lamina:instance:{model}:starting";

    /// <summary>Hash: model name → when a request last used it (Unix milliseconds), written by the gateways; idle models stop by it.</summary>
    public const string InstanceUse = "lamina:instances:used";

    /// <summary>Set: the ids of gateways that count requests in flight, each in its own <see cref="GatewayInFlight"/> hash.</summary>
    public const string Gateways = "lamina:gateways";

    /// <summary>
    /// Hash per gateway: model name → requests it is serving with that model now, expiring unless the gateway renews it, so
    /// a gateway that dies mid-request leaves no count behind. A busy model is never stopped to make room.
    /// </summary>
    public static string GatewayInFlight(string gateway) => $"lamina:gateway:{gateway}:inflight";

    /// <summary>Pub/sub channel: a model name each time its instance changes state.</summary>
    public const string InstanceEvents = "lamina:events:instances";

    /// <summary>Pub/sub channel: the manifest's new version (ETag) each time the Registry reloads it.</summary>
    public const string ManifestEvents = "lamina:events:manifest";

    /// <summary>Hash per job: <c>info</c> (<see cref="DownloadInfo"/> JSON) and <c>request</c>; expires a while after the job finishes.</summary>
    public static string Download(string id) => $"lamina:download:{id}";

    /// <summary>String per running job: the id of the worker holding it, with an expiry the worker keeps renewing.</summary>
    public static string DownloadLease(string id) => $"lamina:download:{id}:lease";

    /// <summary>String per model: the id of its queued or running job, so asking twice gives the same job.</summary>
    public static string DownloadOfModel(string model) => $"lamina:downloads:model:{model}";

    /// <summary>List: ids of jobs waiting for a worker, oldest first.</summary>
    public const string DownloadQueue = "lamina:downloads:queue";

    /// <summary>List: ids of jobs a worker has claimed (LMOVE from the queue); one without a lease goes back.</summary>
    public const string DownloadsActive = "lamina:downloads:active";

    /// <summary>List: every job id, newest first; ids whose job expired are dropped when listed.</summary>
    public const string Downloads = "lamina:downloads:all";

    /// <summary>Pub/sub channel: a job's <see cref="DownloadInfo"/> JSON on every change and progress report.</summary>
    public const string DownloadEvents = "lamina:events:downloads";

    /// <summary>Pub/sub channel: a job id when a job is queued (wakes idle workers) or cancelled (stops its worker).</summary>
    public const string DownloadSignals = "lamina:events:downloads:signals";

    /// <summary>Hash: absolute file path → <see cref="ChecksumVerdict"/> JSON, written by whoever hashed the file.</summary>
    public const string Checksums = "lamina:checksums";
}
