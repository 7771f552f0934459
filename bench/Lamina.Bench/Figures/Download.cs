using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Lamina.Shared.Hosting;
using Lamina.TestSupport.Aspire;
using Lamina.TestSupport.Peers;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Bench.Figures;

/// <summary>
/// Downloads through the whole system (POST /downloads, sha256 verified, registered) from a
/// local file server, beside curl and aria2c fetching the same URL: a 1 GiB file at full speed;
/// 256 MiB with each connection throttled to 20 MB/s, as CDNs do; and a Downloader killed with
/// SIGKILL half way, counting the bytes the server sent in all.
/// </summary>
public sealed class Download : IFigure
{
    private const long Large = 1L << 30;
    private const long Throttled = 256L << 20;
    private const long PerConnection = 20_000_000;

    public string Name => "download";

    public async Task<string> RunAsync()
    {
        var work = Directory.CreateTempSubdirectory("lamina-download-").FullName;
        await using var server = await FileServer.StartAsync();
        var large = await RandomFileAsync(Path.Combine(work, "large.bin"), Large);
        var small = await RandomFileAsync(Path.Combine(work, "small.bin"), Throttled);
        server.AddFile("/large.gguf", large.Path);
        server.AddFile("/small.gguf", small.Path);
        await using var system = await LaminaSystem.StartAsync(LaminaSystem.PreferredStore, ["--Lamina:Downloader:Lease=00:00:03"]);
        var n = 0;
        Task<TimeSpan> Lamina(string file, string sha256) => LaminaAsync(system, server.UrlOf(file), sha256, $"bench-{n++}");

        // Full speed: best of three alternated rounds each, so neither side always runs on a warmer
        // machine, each after `sync` so neither starts with the other's writes still going to disk.
        var (curlFull, laminaFull) = (TimeSpan.MaxValue, TimeSpan.MaxValue);
        for (var round = 0; round < 3; round++)
        {
            await ToolAsync("sync", "");
            curlFull = Min(curlFull, await ToolAsync("curl", $"-s -o {Path.Combine(work, "curl.out")} {server.UrlOf("/large.gguf")}"));
            File.Delete(Path.Combine(work, "curl.out"));
            await ToolAsync("sync", "");
            laminaFull = Min(laminaFull, await Lamina("/large.gguf", large.Sha256));
        }

        server.Faults.ThrottleBytesPerSecond = PerConnection;
        var curlThrottled = await ToolAsync("curl", $"-s -o {Path.Combine(work, "curl.out")} {server.UrlOf("/small.gguf")}");
        var aria = LocalMachine.FindOnPath("aria2c") is null ? (TimeSpan?)null
            : await ToolAsync("aria2c", $"-x8 -s8 -q --allow-overwrite=true --file-allocation=none -d {work} -o aria.out {server.UrlOf("/small.gguf")}");
        var laminaThrottled = await Lamina("/small.gguf", small.Sha256);

        server.ResetCounters();
        var resumed = await KilledHalfWayAsync(system, server, small.Sha256);
        server.Faults.Clear();
        Directory.Delete(work, recursive: true);

        string Rate(long bytes, TimeSpan time) => $"{bytes / time.TotalSeconds / 1e6:0} MB/s";
        var ariaPart = aria is { } ariaTime
            ? $"aria2c -x8 {Rate(Throttled, ariaTime)}, {ariaTime / laminaThrottled:0.00}x aria2c"
            : "aria2c not installed (apt-get install aria2)";
        return $"download: 1 GiB Lamina {Rate(Large, laminaFull)} vs curl {Rate(Large, curlFull)}, {curlFull / laminaFull:0.00}x curl; "
            + $"20 MB/s per connection: Lamina {Rate(Throttled, laminaThrottled)}, curl {Rate(Throttled, curlThrottled)} ({curlThrottled / laminaThrottled:0.00}x curl), {ariaPart}; "
            + $"SIGKILL half way: {resumed / (double)Throttled:0.000}x the file fetched in all ({(resumed - Throttled) / 1e6:0.0} MB more than the file)";
    }

    /// <summary>From POST /downloads to the job completed: fetched, verified, in place and in the catalog.</summary>
    private static async Task<TimeSpan> LaminaAsync(LaminaSystem system, Uri url, string sha256, string model)
    {
        var clock = Stopwatch.StartNew();
        var id = await PostAsync(system, url, sha256, model);
        await WaitAsync(system, id, job => job["state"]!.GetValue<string>() is "completed" or "failed" or "cancelled");
        var elapsed = clock.Elapsed;
        var job = (await system.Gateway.GetFromJsonAsync<JsonObject>($"/downloads/{id}"))!;
        if (job["state"]!.GetValue<string>() != "completed")
        {
            throw new InvalidOperationException($"download {id} ended {job["state"]}: {job["error"]}");
        }

        File.Delete(Path.Combine(system.Root, "models", model, Path.GetFileName(url.AbsolutePath)));
        return elapsed;
    }

    /// <summary>Bytes the server sent for a download whose Downloader was killed half way and started again.</summary>
    private static async Task<long> KilledHalfWayAsync(LaminaSystem system, FileServer server, string sha256)
    {
        var id = await PostAsync(system, server.UrlOf("/small.gguf"), sha256, "bench-killed");
        await WaitAsync(system, id, job => job["bytes_done"]!.GetValue<long>() >= Throttled / 2);
        Process.GetProcessById(system.ProcessOf("downloader")!.Value).Kill();
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();
        await commands.ExecuteCommandAsync("downloader", "resource-start");
        await WaitAsync(system, id, job => job["state"]!.GetValue<string>() == "completed");
        return server.BytesSent;
    }

    private static async Task<string> PostAsync(LaminaSystem system, Uri url, string sha256, string model)
    {
        using var response = await system.Gateway.PostAsJsonAsync("/downloads", new { model, source = new { url = new { url = url.ToString(), sha256 } } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    /// <summary>Follows the job's server-sent events (pushed, so watching costs the download nothing) until one satisfies <paramref name="done"/>.</summary>
    private static async Task WaitAsync(LaminaSystem system, string id, Func<JsonObject, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (true)
        {
            using var response = await system.Gateway.GetAsync($"/downloads/{id}/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                using var events = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
                while (await events.ReadLineAsync(timeout.Token) is { } line)
                {
                    if (line.StartsWith("data: ", StringComparison.Ordinal) && done(JsonNode.Parse(line["data: ".Length..])!.AsObject()))
                    {
                        return;
                    }
                }
            }

            // The Downloader was restarted under the stream: follow it again.
            await Task.Delay(100, timeout.Token);
        }
    }

    private static async Task<TimeSpan> ToolAsync(string tool, string arguments)
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {await process.StandardError.ReadToEndAsync()}");
        }

        return clock.Elapsed;
    }

    private static async Task<(string Path, string Sha256)> RandomFileAsync(string path, long size)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = File.Create(path);
        var block = new byte[8 << 20];
        for (long written = 0; written < size; written += block.Length)
        {
            RandomNumberGenerator.Fill(block);
            sha256.AppendData(block);
            await file.WriteAsync(block);
        }

        return (path, Convert.ToHexStringLower(sha256.GetHashAndReset()));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
