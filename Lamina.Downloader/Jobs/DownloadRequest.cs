using System.Text.Json.Nodes;

namespace Lamina.Downloader.Jobs;

/// <summary>
/// What was asked: a model of the manifest (its own <c>download</c> sources are tried in order),
/// or a new model with the one source to fetch it from, added to the manifest once in place.
/// </summary>
public sealed record DownloadRequest(string Model, JsonObject? Source)
{
    public bool IsNewModel => Source is not null;
}
