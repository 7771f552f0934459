using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Downloader.Jobs;
using Lamina.Shared.Clients;
using Lamina.Downloader.Transfer;
using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;

namespace Lamina.Downloader.Apis;

public static class DownloadsApi
{
    private static readonly string[] _sources = ["huggingface", "ollama", "url", "local"];

    /// <summary>Maps <c>/downloads</c> (jobs, progress, cancel) and lamina-llm-serve's <c>POST /download</c>.</summary>
    public static IEndpointRouteBuilder MapDownloadsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/downloads").WithTags("Downloads");
        api.MapPost("/", StartDownload).WithName("StartDownload").WithSummary("Queues a download of a manifest model, or of a new model from a source.");
        api.MapGet("/", ListDownloads).WithName("ListDownloads").WithSummary("Every download kept (finished ones for a day), newest first.");
        api.MapGet("/{id}", GetDownload).WithName("GetDownload").WithSummary("One download: state, bytes, speed, time left, error.");
        api.MapGet("/{id}/events", FollowDownload).WithName("FollowDownload").WithSummary("The download's progress as server-sent events, until it finishes.");
        api.MapDelete("/{id}", CancelDownload).WithName("CancelDownload").WithSummary("Cancels a download and removes its partial files.");
        app.MapPost("/download", StartDownload).WithTags("Downloads").WithName("Download").WithSummary("lamina-llm-serve's form: downloads a manifest model.");
        return app;
    }

    public static async Task<Results<Accepted<DownloadInfo>, Ok<DownloadInfo>, ProblemHttpResult>> StartDownload(
        DownloadBody? body, DownloadQueue queue, RegistryClient registry, CancellationToken cancellationToken)
    {
        if (Invalid(body) is { } invalid)
        {
            return TypedResults.Problem(invalid, statusCode: StatusCodes.Status400BadRequest, title: "Invalid download request");
        }

        var model = body!.Model!;
        var entry = await registry.FindModelAsync(model, null, cancellationToken);
        if (body.Source is not null && entry is not null)
        {
            return TypedResults.Problem($"model '{model}' is already in models.yaml; POST {{\"model\": \"{model}\"}} to fetch it from its own sources, or choose another name",
                statusCode: StatusCodes.Status409Conflict, title: "Model exists");
        }

        if (body.Source is null && entry is null)
        {
            return TypedResults.Problem($"model '{model}' is not in models.yaml; add it there, or give a source such as {{\"huggingface\": {{\"repo_id\": \"...\", \"filename\": \"...\"}}}}",
                statusCode: StatusCodes.Status404NotFound, title: "Unknown model");
        }

        var present = entry is { Available: true, Checksum: null or "verified" };
        var (job, _) = await queue.EnqueueAsync(new DownloadRequest(model, body.Source), present ? DownloadStates.Completed : DownloadStates.Queued);
        return job.State == DownloadStates.Completed ? TypedResults.Ok(job) : TypedResults.Accepted($"/downloads/{job.Id}", job);
    }

    public static async Task<Ok<DownloadList>> ListDownloads(DownloadQueue queue) =>
        TypedResults.Ok(new DownloadList(await queue.ListAsync()));

    public static async Task<Results<Ok<DownloadInfo>, ProblemHttpResult>> GetDownload(string id, DownloadQueue queue) =>
        await queue.GetAsync(id) is { } job ? TypedResults.Ok(job) : NotFound(id);

    public static async Task<Results<ServerSentEventsResult<string>, ProblemHttpResult>> FollowDownload(
        string id, DownloadQueue queue, IConnectionMultiplexer redis, CancellationToken cancellationToken)
    {
        var events = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RedisKeys.DownloadEvents));
        if (await queue.GetAsync(id) is not { } job)
        {
            await events.UnsubscribeAsync();
            return NotFound(id);
        }

        return TypedResults.ServerSentEvents(Follow(job, events, cancellationToken));
    }

    public static async Task<Results<Ok<DownloadInfo>, ProblemHttpResult>> CancelDownload(string id, DownloadQueue queue, ModelsFolder models)
    {
        if (await queue.GetAsync(id) is not { } job)
        {
            return NotFound(id);
        }

        if (job.IsFinished)
        {
            return TypedResults.Problem($"download {id} already {job.State}; DELETE /models/{job.Model}?delete_files=true removes a downloaded model",
                statusCode: StatusCodes.Status409Conflict, title: "Download finished");
        }

        var cancelled = job with { State = DownloadStates.Cancelled, SpeedBytesPerSecond = null, EtaSeconds = null, UpdatedAt = DateTimeOffset.UtcNow };
        var wasWaiting = await queue.DequeueAsync(id);
        await queue.FinishAsync(cancelled);
        await queue.SignalAsync($"cancel:{id}");
        if (wasWaiting)
        {
            // No worker holds it: its partial files, from an earlier attempt, go now.
            job.Files.ToList().ForEach(file => FileTransfer.Discard(Path.Combine(models.Path, file)));
        }

        return TypedResults.Ok(cancelled);
    }

    private static async IAsyncEnumerable<SseItem<string>> Follow(DownloadInfo job, ChannelMessageQueue events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            yield return new SseItem<string>(JsonSerializer.Serialize(job, LaminaJson.Options), "progress");
            while (!job.IsFinished)
            {
                var message = await events.ReadAsync(cancellationToken);
                var next = JsonSerializer.Deserialize<DownloadInfo>(message.Message.ToString(), LaminaJson.Options);
                if (next?.Id == job.Id)
                {
                    job = next;
                    yield return new SseItem<string>(message.Message.ToString(), "progress");
                }
            }
        }
        finally
        {
            await events.UnsubscribeAsync();
        }
    }

    private static string? Invalid(DownloadBody? body)
    {
        if (body?.Model is not { Length: > 0 } model)
        {
            return "give the model to download: {\"model\": \"name\"}";
        }

        if (!ModelNames.IsValid(model))
        {
            return $"'{model}' cannot be a model name: use lowercase letters, digits and . _ : - starting with a letter or digit, like '{ModelNames.Suggest(model)}'";
        }

        if (body.Source is { } source && (source.Count != 1 || !_sources.Contains(source.First().Key) || source.First().Value is not JsonObject))
        {
            return $"source must be one of {string.Join(", ", _sources)} with its settings, like {{\"huggingface\": {{\"repo_id\": \"owner/name\", \"filename\": \"model.gguf\"}}}}";
        }

        return null;
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"no download '{id}'; GET /downloads lists them (finished ones are kept for a day)", statusCode: StatusCodes.Status404NotFound, title: "Unknown download");

    /// <summary>Every download kept, newest first.</summary>
    public sealed record DownloadList(IReadOnlyList<DownloadInfo> Downloads);

    /// <summary><c>{"model": NAME}</c>, with <c>source</c> for a model not in the manifest.</summary>
    public sealed record DownloadBody(string? Model, JsonObject? Source);
}
