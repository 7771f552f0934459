using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Lamina.Shared.Contracts;

/// <summary>One download job as every service sees it (Redis, <c>GET /downloads/{id}</c>, progress events).</summary>
public sealed record DownloadInfo(string Id, string Model, string State)
{
    /// <summary>Where the files come from: <c>huggingface</c>, <c>ollama</c>, <c>url</c> or <c>local</c> with their settings.</summary>
    public JsonObject? Source { get; init; }

    public long BytesDone { get; init; }

    /// <summary>All the job's bytes, once the source has told their sizes.</summary>
    public long? TotalBytes { get; init; }

    public double? SpeedBytesPerSecond { get; init; }

    public double? EtaSeconds { get; init; }

    /// <summary>The files the job writes, relative to the models folder.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>What went wrong, for a failed job: what happened and what to do.</summary>
    public string? Error { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    [JsonIgnore]
    public bool IsFinished => DownloadStates.IsFinished(State);
}
