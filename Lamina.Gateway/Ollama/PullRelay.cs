using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Lamina.Gateway.Routing;
using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Gateway.Ollama;

/// <summary>
/// Ollama's pull as a Downloader job: a model of the catalog comes from its own sources, any other
/// name from the Ollama registry under its Lamina name; the job's events become Ollama's statuses.
/// </summary>
public sealed class PullRelay(OllamaCatalog catalog, DownloaderClient downloader)
{
    public async Task<Results<EmptyHttpResult, Ok<PullStatus>, JsonHttpResult<OllamaError>>> PullAsync(
        HttpContext context, string requested, bool stream, CancellationToken cancellationToken)
    {
        var entry = await catalog.FindAsync(requested, cancellationToken);
        var name = entry?.Name ?? OllamaNames.ToLamina(requested);
        if (!ModelNames.IsValid(name))
        {
            return OllamaError.BadRequest($"invalid model name '{requested}': use [namespace/]model[:tag] with lowercase letters, digits and . _ -");
        }

        var source = entry is null ? new JsonObject { ["ollama"] = new JsonObject { ["model"] = OllamaNames.RegistryName(requested) } } : null;
        var (job, status, problem) = await downloader.StartAsync(name, source, cancellationToken);
        if (job is null)
        {
            return OllamaError.Result(status is >= 400 and < 500 ? status : StatusCodes.Status500InternalServerError, problem ?? $"pulling '{requested}' failed");
        }

        var statuses = StatusesAsync(job, cancellationToken);
        if (!stream)
        {
            PullStatus? last = null;
            await foreach (var line in statuses)
            {
                last = line;
            }

            return last is { Error: { } error } ? OllamaError.Result(StatusCodes.Status500InternalServerError, error) : TypedResults.Ok(last!);
        }

        await Ndjson.StartAsync(context.Response, cancellationToken);
        await foreach (var line in statuses)
        {
            await Ndjson.WriteLineAsync(context.Response, line, cancellationToken);
        }

        return TypedResults.Empty;
    }

    /// <summary>Ollama's statuses for the job: manifest, the bytes as they arrive, verifying, success; or the job's error.</summary>
    private async IAsyncEnumerable<PullStatus> StatusesAsync(DownloadInfo job, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Ollama names each layer by its digest, which Lamina learns only at the end: the job's stands in for it.
        var digest = $"sha256:{OllamaNames.Digest(job.Model, null, job.Id)}";
        var layer = $"pulling {digest[7..19]}";
        yield return new PullStatus("pulling manifest");
        var verifying = false;
        await foreach (var next in downloader.FollowAsync(job.Id, cancellationToken))
        {
            switch (next.State)
            {
                case DownloadStates.Running when next.TotalBytes is { } total:
                    yield return new PullStatus(layer) { Digest = digest, Total = total, Completed = next.BytesDone };
                    break;
                case DownloadStates.Verifying or DownloadStates.Completed:
                    if (!verifying)
                    {
                        // Every byte is there: the layer's bar ends full before verifying starts.
                        verifying = true;
                        var bytes = next.TotalBytes ?? next.BytesDone;
                        yield return new PullStatus(layer) { Digest = digest, Total = bytes, Completed = bytes };
                        yield return new PullStatus("verifying sha256 digest");
                    }

                    if (next.State == DownloadStates.Completed)
                    {
                        yield return new PullStatus("writing manifest");
                        yield return new PullStatus("success");
                        yield break;
                    }

                    break;
                case DownloadStates.Failed:
                    yield return PullStatus.Failed(next.Error ?? $"pulling '{next.Model}' failed");
                    yield break;
                case DownloadStates.Cancelled:
                    yield return PullStatus.Failed($"the download of '{next.Model}' was cancelled");
                    yield break;
            }
        }
    }
}
