using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Lamina.Downloader.Sources;
using Lamina.Downloader.Transfer;
using Lamina.Shared.Clients;
using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;
using Microsoft.Extensions.Options;

namespace Lamina.Downloader.Jobs;

/// <summary>
/// Runs one job: resolves its sources in order until one delivers, fetches every file, and has
/// the Registry record a new model once its files are in place.
/// </summary>
public sealed partial class JobRunner(
    DownloadQueue queue, RegistryClient registry, HuggingFaceSource huggingFace, OllamaSource ollama, FileTransfer transfer,
    ModelsFolder models, IOptions<DownloaderOptions> options, TimeProvider time, ILogger<JobRunner> logger)
{
    /// <summary>The folder every job writes into.</summary>
    public string ModelsPath => models.Path;

    public async Task RunAsync(string id, CancellationToken cancellationToken)
    {
        if (await queue.GetAsync(id) is not { IsFinished: false } job || await queue.RequestAsync(id) is not { } request)
        {
            return;
        }

        var entry = request.IsNewModel ? null : await registry.FindModelAsync(request.Model, null, cancellationToken);
        if (!request.IsNewModel && entry is null)
        {
            await FinishAsync(job with { State = DownloadStates.Failed, Error = $"model '{request.Model}' is no longer in models.yaml" });
            return;
        }

        var sources = request.Source is { } given ? [given] : (entry!.Download ?? []).Select(pair => new JsonObject { [pair.Key] = pair.Value?.DeepClone() }).ToList();
        if (sources.Count == 0)
        {
            await FinishAsync(job with { State = DownloadStates.Failed, Error = $"model '{request.Model}' has no download sources in models.yaml; add download: with huggingface, ollama or url, or POST /downloads with a source" });
            return;
        }

        var errors = new List<string>();
        foreach (var source in sources)
        {
            var kind = source.First().Key;
            try
            {
                var plan = await PlanAsync(kind, source[kind] as JsonObject ?? [], request, entry, cancellationToken);
                job = await FetchAsync(job with { Source = source }, plan, cancellationToken);
                await RegisterAsync(request, entry, plan, job, cancellationToken);
                await FinishAsync(job with { State = DownloadStates.Completed, EtaSeconds = 0, Error = null });
                LogCompleted(logger, job.Model, kind, job.BytesDone);
                return;
            }
            catch (TransferException e)
            {
                LogSourceFailed(logger, job.Model, kind, e.Message);
                errors.Add($"{kind}: {e.Message}");
            }
        }

        await FinishAsync(job with { State = DownloadStates.Failed, SpeedBytesPerSecond = null, EtaSeconds = null, Error = string.Join("; then ", errors) });
    }

    private Task<SourcePlan> PlanAsync(string kind, JsonObject settings, DownloadRequest request, CatalogModel? entry, CancellationToken cancellationToken)
    {
        var (path, format, sha256) = (entry?.Path, entry?.Format, entry?.Sha256);
        return kind switch
        {
            "huggingface" => huggingFace.PlanAsync(request.Model, settings, path, format, models.Path, cancellationToken),
            "ollama" => ollama.PlanAsync(request.Model, settings, path, models.Path, cancellationToken),
            "url" => Task.FromResult(UrlSource.Plan(request.Model, settings, path, format, sha256, models.Path)),
            "local" => Task.FromResult(LocalSource.Plan(request.Model, settings, path, format, sha256, models.Path)),
            _ => throw new TransferException($"unknown source '{kind}'; use huggingface, ollama, url or local"),
        };
    }

    private async Task<DownloadInfo> FetchAsync(DownloadInfo job, SourcePlan plan, CancellationToken cancellationToken)
    {
        job = job with
        {
            State = DownloadStates.Running,
            Files = [.. plan.Files.Select(file => Path.GetRelativePath(models.Path, file.TargetPath))],
            TotalBytes = plan.TotalBytes,
            BytesDone = 0,
            UpdatedAt = time.GetUtcNow(),
        };
        await queue.SaveAsync(job);
        await using var meter = new ProgressMeter(queue, job, options.Value.ProgressInterval, time, logger);
        foreach (var file in plan.Files)
        {
            if (await InPlaceAsync(file, cancellationToken))
            {
                meter.Add(new FileInfo(file.TargetPath).Length);
                continue;
            }

            var result = plan.IsLocalCopy
                ? await LocalSource.CopyAsync(file, meter.Add, cancellationToken)
                : await transfer.RunAsync(file, meter.Add, cancellationToken);
            await queue.RecordChecksumAsync(file.TargetPath, result.Sha256);
        }

        var done = meter.Current;
        return done with { TotalBytes = done.BytesDone, State = DownloadStates.Verifying };
    }

    /// <summary>Whether the file is already there and is what the source says: then nothing is fetched.</summary>
    private static async Task<bool> InPlaceAsync(TransferRequest file, CancellationToken cancellationToken)
    {
        var found = new FileInfo(file.TargetPath);
        if (!found.Exists || (file.Size is { } size && found.Length != size))
        {
            return false;
        }

        if (file.Sha256 is not { } expected)
        {
            return file.Size is not null;
        }

        await using var stream = found.OpenRead();
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken)) == expected;
    }

    /// <summary>A new model gets its manifest entry; a manifest model pulled from Ollama gets its kept layers recorded.</summary>
    private async Task RegisterAsync(DownloadRequest request, CatalogModel? entry, SourcePlan plan, DownloadInfo job, CancellationToken cancellationToken)
    {
        await queue.SaveAsync(job);
        var written = entry switch
        {
            null => new ManifestEntry
            {
                Path = plan.Path,
                Backend = ModelBackends.Auto,
                Format = plan.Format,
                Description = $"Downloaded from {plan.Kind}",
                Download = request.Source!.DeepClone().AsObject(),
                Sha256 = plan.Files is [{ Sha256: { } sha256 }] ? sha256 : null,
                OllamaLayers = plan.OllamaLayers,
            },
            _ when plan.OllamaLayers is { Count: > 0 } layers => entry.ToManifestEntry() with { OllamaLayers = layers },
            _ => null,
        };
        if (written is null)
        {
            return;
        }

        try
        {
            await registry.RegisterModelAsync(request.Model, written, cancellationToken);
        }
        catch (RegistryException e)
        {
            throw new TransferException($"the files are in place but {e.Message}");
        }
    }

    /// <summary>Records the final state, unless the job was cancelled meanwhile.</summary>
    private async Task FinishAsync(DownloadInfo job)
    {
        if (await queue.GetAsync(job.Id) is { State: DownloadStates.Cancelled })
        {
            return;
        }

        await queue.FinishAsync(job with { UpdatedAt = time.GetUtcNow() });
    }

    [LoggerMessage(LogLevel.Information, "Downloaded {Model} from {Source}: {Bytes} bytes")]
    private static partial void LogCompleted(ILogger logger, string model, string source, long bytes);

    [LoggerMessage(LogLevel.Warning, "Source {Source} of {Model} failed: {Reason}")]
    private static partial void LogSourceFailed(ILogger logger, string model, string source, string reason);
}
