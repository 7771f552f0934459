using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Shared.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace Lamina.Gateway.Routing;

/// <summary>Starts downloads on the Downloader and follows their progress.</summary>
public sealed class DownloaderClient(HttpClient http)
{
    /// <summary>Queues a download of a manifest model, or of a new one from <paramref name="source"/>; the job, or the status and reason it was refused.</summary>
    public async Task<(DownloadInfo? Job, int Status, string? Problem)> StartAsync(string model, JsonObject? source, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/downloads", new { model, source }, LaminaJson.Options, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return (await response.Content.ReadFromJsonAsync<DownloadInfo>(LaminaJson.Options, cancellationToken), (int)response.StatusCode, null);
        }

        string? problem;
        try
        {
            var details = await response.Content.ReadFromJsonAsync<ProblemDetails>(cancellationToken);
            problem = details?.Detail ?? details?.Title;
        }
        catch (JsonException)
        {
            problem = null;
        }

        return (null, (int)response.StatusCode, problem ?? $"the Downloader responded {(int)response.StatusCode} {response.ReasonPhrase}");
    }

    /// <summary>The job as it is now, then each change until it finishes.</summary>
    public async IAsyncEnumerable<DownloadInfo> FollowAsync(string id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/downloads/{Uri.EscapeDataString(id)}/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            if (JsonSerializer.Deserialize<DownloadInfo>(item.Data, LaminaJson.Options) is { } job)
            {
                yield return job;
            }
        }
    }
}
