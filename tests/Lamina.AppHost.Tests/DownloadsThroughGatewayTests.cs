using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Lamina.TestSupport.Aspire;
using Lamina.TestSupport.Gguf;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.AppHost.Tests;

[Collection(SystemCollection.Name)]
public sealed class DownloadsThroughGatewayTests(SystemFixture fixture) : IAsyncLifetime
{
    private const int Size = 6 << 20;

    // A real GGUF header (the Registry reads it to call the model available), then random bytes as weights.
    private static readonly byte[] Weights = RealGguf(Size);
    private static readonly string Digest = Convert.ToHexStringLower(SHA256.HashData(Weights));

    private LaminaSystem System => fixture.System;

    private HttpClient Gateway => fixture.System.Gateway;

    private string Models => Path.Combine(System.Root, "models");

    [Fact]
    public async Task NewModelFromHuggingFaceArrivesVerifiedWithLiveProgressAndJoinsTheCatalog()
    {
        fixture.Hub.AddFile("owner/New-GGUF", "new.Q4_K_M.gguf", Weights);
        fixture.Hub.Cdn.Faults.ThrottleBytesPerSecond = 512 << 10;

        var job = await StartAsync(new { model = "hf-new", source = new { huggingface = new { repo_id = "owner/New-GGUF", filename = "new.Q4_K_M.gguf" } } });
        var events = await EventsAsync(job);

        var last = events[^1];
        Assert.Equal("completed", last["state"]!.GetValue<string>());
        Assert.Equal(Size, last["bytes_done"]!.GetValue<long>());
        Assert.True(events.Any(e => e["state"]!.GetValue<string>() == "running" && e["bytes_done"]!.GetValue<long>() is > 0 and < Size && e["speed_bytes_per_second"] is not null),
            string.Join("\n", events.Select(e => e.ToJsonString())));
        Assert.Equal(Weights, await File.ReadAllBytesAsync(Path.Combine(Models, "hf-new", "new.Q4_K_M.gguf")));
        var model = (await Gateway.GetFromJsonAsync<JsonObject>("/models/hf-new"))!;
        Assert.True(model["available"]!.GetValue<bool>());
        Assert.Equal(Digest, model["sha256"]!.GetValue<string>());
        // The digest measured on arrival is shared, so the Registry verifies without reading the file again.
        Assert.True(await Eventually.TrueAsync(async () => (await Gateway.GetFromJsonAsync<JsonObject>("/models/hf-new"))!["checksum"]!.GetValue<string>() == "verified"));
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync((await System.App.GetConnectionStringAsync("redis"))!);
        Assert.Contains(Digest, (string?)await redis.GetDatabase().HashGetAsync("lamina:checksums", Path.Combine(Models, "hf-new", "new.Q4_K_M.gguf")));
        // A finished job stays visible for a day, then expires by itself.
        Assert.InRange((await redis.GetDatabase().KeyTimeToLiveAsync($"lamina:download:{Id(job)}"))!.Value, TimeSpan.FromHours(23), TimeSpan.FromDays(1));
        Assert.Equal("owner/New-GGUF", model["download"]!["huggingface"]!["repo_id"]!.GetValue<string>());
        Assert.Contains((await Gateway.GetFromJsonAsync<JsonObject>("/downloads"))!["downloads"]!.AsArray(), d => d!["id"]!.GetValue<string>() == Id(job));
    }

    [Fact]
    public async Task AskingAgainWhileItRunsGivesTheSameJobAndCancelRemovesThePartialFiles()
    {
        fixture.Hub.AddFile("owner/Slow-GGUF", "slow.gguf", Weights);
        fixture.Hub.Cdn.Faults.ThrottleBytesPerSecond = 256 << 10;
        var request = new { model = "hf-slow", source = new { huggingface = new { repo_id = "owner/Slow-GGUF", filename = "slow.gguf" } } };

        var first = await StartAsync(request);
        var second = await StartAsync(request);
        Assert.Equal(Id(first), Id(second));
        Assert.True(await Eventually.TrueAsync(async () => File.Exists(Path.Combine(Models, "hf-slow", "slow.gguf.partial")), TimeSpan.FromSeconds(10)));

        using var cancelled = await Gateway.DeleteAsync($"/downloads/{Id(first)}");

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("cancelled", (await Gateway.GetFromJsonAsync<JsonObject>($"/downloads/{Id(first)}"))!["state"]!.GetValue<string>());
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(!Directory.EnumerateFiles(Path.Combine(Models, "hf-slow")).Any()), TimeSpan.FromSeconds(10)));
        Assert.Equal(HttpStatusCode.NotFound, (await Gateway.GetAsync("/models/hf-slow")).StatusCode);
    }

    [Fact]
    public async Task ManifestModelComesFromItsOwnSourcesAndAPresentOneCompletesAtOnce()
    {
        fixture.Hub.AddFile("owner/Listed-GGUF", "listed.gguf", Weights);
        (await Gateway.PutAsJsonAsync("/models/listed", new
        {
            path = "listed/listed.gguf",
            backend = "llama.cpp",
            download = new { huggingface = new { repo_id = "owner/Missing-GGUF", filename = "listed.gguf" }, url = new { url = fixture.Hub.Cdn.UrlOf("/nothing").ToString() } },
        })).EnsureSuccessStatusCode();
        using var failed = await Gateway.PostAsJsonAsync("/download", new { model = "listed" });
        var failure = await EventsAsync(await failed.Content.ReadFromJsonAsync<JsonObject>());
        Assert.Equal("failed", failure[^1]["state"]!.GetValue<string>());
        Assert.Contains("huggingface: Hugging Face has no repository 'owner/Missing-GGUF'", failure[^1]["error"]!.GetValue<string>());
        Assert.Contains("; then url: ", failure[^1]["error"]!.GetValue<string>());

        (await Gateway.PutAsJsonAsync("/models/listed", new
        {
            path = "listed/listed.gguf",
            backend = "llama.cpp",
            download = new { huggingface = new { repo_id = "owner/Listed-GGUF", filename = "listed.gguf" } },
        })).EnsureSuccessStatusCode();
        using var accepted = await Gateway.PostAsJsonAsync("/download", new { model = "listed" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("completed", (await EventsAsync(await accepted.Content.ReadFromJsonAsync<JsonObject>()))[^1]["state"]!.GetValue<string>());
        var listed = (await Gateway.GetFromJsonAsync<JsonObject>("/models/listed"))!;
        Assert.True(listed["available"]!.GetValue<bool>(), listed.ToJsonString());

        using var again = await Gateway.PostAsJsonAsync("/downloads", new { model = "listed" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("completed", (await again.Content.ReadFromJsonAsync<JsonObject>())!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task OllamaPullKeepsTheTemplateSystemAndParamsBesideTheModelAndRecordsThem()
    {
        fixture.Ollama.AddModel("tinyllama", "1b", Weights, template: "{{ .Prompt }}", system: "Be brief.", parameters: "{\"stop\":[\"</s>\"]}");

        var job = await StartAsync(new { model = "olla", source = new { ollama = new { model = "tinyllama:1b" } } });

        Assert.Equal("completed", (await EventsAsync(job))[^1]["state"]!.GetValue<string>());
        var model = (await Gateway.GetFromJsonAsync<JsonObject>("/models/olla"))!;
        Assert.True(model["available"]!.GetValue<bool>(), model.ToJsonString());
        Assert.Equal("olla/template", model["ollama_layers"]!["template"]!.GetValue<string>());
        Assert.Equal("Be brief.", await File.ReadAllTextAsync(Path.Combine(Models, "olla", "system")));
        Assert.Equal(Weights, await File.ReadAllBytesAsync(Path.Combine(Models, model["path"]!.GetValue<string>())));
    }

    [Fact]
    public async Task OllamaPullOfAManifestModelRecordsItsLayersAndNoFieldTheRegistryWorksOut()
    {
        fixture.Ollama.AddModel("tinyllama", "2b", Weights, template: "{{ .Prompt }}", system: "Be brief.");
        (await Gateway.PutAsJsonAsync("/models/olla-listed", new
        {
            path = "olla-listed/model.gguf",
            backend = "llama.cpp",
            keep_alive = 300,
            args = new object[] { "-ngl", 20 },
            license = "apache-2.0",
            download = new { ollama = new { model = "tinyllama:2b" } },
        })).EnsureSuccessStatusCode();

        // Ollama's pull of a model the manifest has: the Downloader fetches it from the entry's own source.
        using var pulled = await Gateway.PostAsJsonAsync("/api/pull", new { model = "olla-listed", stream = false });
        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        Assert.Equal("success", (await pulled.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());

        var written = Lamina.Shared.Manifest.ManifestReader.LoadFile(System.ManifestPath).Manifest.Models["olla-listed"].Raw;
        Assert.Equal("olla-listed/template", written["ollama_layers"]?["template"]?.GetValue<string>());
        // What the Registry works out for its responses (sizes, dates, every backend's settings, live state) is not the manifest's.
        Assert.All((string[])["size_bytes", "modified_at", "backend_settings", "metadata", "resolved_path", "available", "active", "name"],
            field => Assert.False(written.ContainsKey(field), $"models.yaml got '{field}': {written.ToJsonString()}"));
        // Every field Lamina writes is one models.schema.json describes; the author's own field is kept as written.
        using var schema = global::System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryFile("models.schema.json")));
        var described = schema.RootElement.GetProperty("definitions").GetProperty("model").GetProperty("properties");
        Assert.All(written.Select(field => field.Key).Where(field => field != "license"), field => Assert.True(described.TryGetProperty(field, out _), $"'{field}' is not in models.schema.json"));
        Assert.Equal("apache-2.0", written["license"]!.GetValue<string>());
        Assert.Equal(300, written["keep_alive"]!.GetValue<int>());
        Assert.Equal("""["-ngl",20]""", written["args"]!.ToJsonString());
        Assert.True((await Gateway.GetFromJsonAsync<JsonObject>("/models/olla-listed"))!["available"]!.GetValue<bool>());
    }

    private static string RepositoryFile(string name)
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Lamina.Aspire.sln")))
        {
            folder = folder.Parent;
        }

        return Path.Combine(folder?.FullName ?? throw new InvalidOperationException("Lamina.Aspire.sln not found above the test folder"), name);
    }

    [Fact]
    public async Task PlainUrlAndLocalFileBecomeModelsToo()
    {
        fixture.Hub.Cdn.Add("/plain/weights.gguf", Weights);
        var local = Path.Combine(System.Root, "outside.gguf");
        await File.WriteAllBytesAsync(local, Weights);

        var fromUrl = await StartAsync(new { model = "from-url", source = new { url = new { url = fixture.Hub.Cdn.UrlOf("/plain/weights.gguf").ToString(), sha256 = Digest } } });
        var fromDisk = await StartAsync(new { model = "from-disk", source = new { local = new { path = local } } });

        Assert.Equal("completed", (await EventsAsync(fromUrl))[^1]["state"]!.GetValue<string>());
        Assert.Equal("completed", (await EventsAsync(fromDisk))[^1]["state"]!.GetValue<string>());
        Assert.Equal(Weights, await File.ReadAllBytesAsync(Path.Combine(Models, "from-url", "weights.gguf")));
        Assert.Equal(Weights, await File.ReadAllBytesAsync(Path.Combine(Models, "from-disk", "outside.gguf")));
        Assert.True((await Gateway.GetFromJsonAsync<JsonObject>("/models/from-disk"))!["available"]!.GetValue<bool>());
    }

    [Fact]
    public async Task CorruptedBytesFailTheJobWithBothDigestsAndKeepNothing()
    {
        fixture.Hub.AddFile("owner/Bad-GGUF", "bad.gguf", Weights);
        fixture.Hub.Cdn.Faults.FlipByteAt(Size / 3);

        var job = await StartAsync(new { model = "hf-bad", source = new { huggingface = new { repo_id = "owner/Bad-GGUF", filename = "bad.gguf" } } });

        var error = (await EventsAsync(job))[^1]["error"]!.GetValue<string>();
        Assert.Contains($"sha256 mismatch: the source says {Digest}, the downloaded bytes have ", error);
        Assert.False(Directory.Exists(Path.Combine(Models, "hf-bad")) && Directory.EnumerateFiles(Path.Combine(Models, "hf-bad")).Any());
        Assert.Equal(HttpStatusCode.NotFound, (await Gateway.GetAsync("/models/hf-bad")).StatusCode);
    }

    [Theory]
    [InlineData("{\"model\": \"../etc\"}", 400, "cannot be a model name")]
    [InlineData("{\"model\": \"x\", \"source\": {\"ftp\": {}}}", 400, "source must be one of huggingface, ollama, url, local")]
    [InlineData("{\"model\": \"never-heard-of\"}", 404, "is not in models.yaml")]
    [InlineData("{\"model\": \"tiny\", \"source\": {\"url\": {\"url\": \"http://x/y.gguf\"}}}", 409, "already in models.yaml")]
    public async Task BadRequestsAreRefusedSayingWhy(string body, int status, string detail)
    {
        using var response = await Gateway.PostAsync("/downloads", new StringContent(body, global::System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(detail, (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task KilledDownloaderResumesTheJobFetchingOnlyWhatWasMissing()
    {
        fixture.Hub.AddFile("owner/Killed-GGUF", "killed.gguf", Weights);
        fixture.Hub.Cdn.Faults.ThrottleBytesPerSecond = 512 << 10;
        var job = await StartAsync(new { model = "hf-killed", source = new { huggingface = new { repo_id = "owner/Killed-GGUF", filename = "killed.gguf" } } });
        Assert.True(await Eventually.TrueAsync(async () => await BytesDoneAsync(job) > Size / 3, TimeSpan.FromSeconds(20)));

        Process.GetProcessById(System.ProcessOf("downloader")!.Value).Kill();
        await RestartAsync("downloader", "resource-start");
        // Only now at full speed: until the server notices a dead client, it counts what it writes
        // into the closed connections, and unthrottled that would be the rest of every part.
        fixture.Hub.Cdn.Faults.ThrottleBytesPerSecond = null;

        Assert.Equal("completed", (await EventsAsync(job, TimeSpan.FromSeconds(60)))[^1]["state"]!.GetValue<string>());
        Assert.Equal(Weights, await File.ReadAllBytesAsync(Path.Combine(Models, "hf-killed", "killed.gguf")));
        // Each of the 8 parts may lose what was in flight when the process died: a slice each, not the file again.
        Assert.True(fixture.Hub.Cdn.BytesSent is >= Size and <= Size + (1 << 20), $"{fixture.Hub.Cdn.BytesSent} bytes sent for {Size}: {string.Join(", ", fixture.Hub.Cdn.Ranges)}");
    }

    [Fact]
    public async Task RestartedStoreDoesNotStopADownload()
    {
        fixture.Hub.AddFile("owner/Store-GGUF", "store.gguf", Weights);
        fixture.Hub.Cdn.Faults.ThrottleBytesPerSecond = 512 << 10;
        var job = await StartAsync(new { model = "hf-store", source = new { huggingface = new { repo_id = "owner/Store-GGUF", filename = "store.gguf" } } });
        Assert.True(await Eventually.TrueAsync(async () => await BytesDoneAsync(job) > Size / 4, TimeSpan.FromSeconds(20)));

        await RestartAsync("redis", "resource-restart");
        fixture.Hub.Cdn.Faults.ThrottleBytesPerSecond = null;

        Assert.True(await Eventually.TrueAsync(async () => await StateAsync(job) == "completed", TimeSpan.FromSeconds(60)), await StateAsync(job));
        Assert.Equal(Weights, await File.ReadAllBytesAsync(Path.Combine(Models, "hf-store", "store.gguf")));
        Assert.True((await Gateway.GetFromJsonAsync<JsonObject>("/models/hf-store"))!["available"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AfterTheStoreRestartsTheGatewayRecordsUseAgainWithinSeconds()
    {
        await RestartAsync("redis", "resource-restart");
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync((await System.App.GetConnectionStringAsync("redis"))!);
        var db = redis.GetDatabase();
        await db.HashDeleteAsync("lamina:instances:used", LaminaSystem.TinyModel);
        // As a store that lost its data on restart: the gateway must list itself again, or Runners miss its requests in flight.
        await db.KeyDeleteAsync("lamina:gateways");

        var clock = Stopwatch.StartNew();
        using var answered = await Gateway.PostAsJsonAsync("/v1/chat/completions",
            new { model = LaminaSystem.TinyModel, max_tokens = 2, messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);

        // The gateway's writes resume once the store is back (it retries each second), so the Runner's idle clock is right again.
        Assert.True(await Eventually.TrueAsync(async () => (await db.HashGetAsync("lamina:instances:used", LaminaSystem.TinyModel)).HasValue, TimeSpan.FromSeconds(5)),
            $"no use recorded {clock.Elapsed} after the request");
        // It renews its listing every 10 s.
        Assert.True(await Eventually.TrueAsync(async () => (await db.SetMembersAsync("lamina:gateways")).Length > 0, TimeSpan.FromSeconds(15)), "the gateway did not list itself again");
    }

    private async Task RestartAsync(string resource, string command)
    {
        await System.StartAgainAsync(resource, command);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await System.App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
    }

    private async Task<JsonObject> StartAsync(object request)
    {
        using var response = await Gateway.PostAsJsonAsync("/downloads", request);
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>The job's server-sent events through the gateway, until it finishes.</summary>
    private async Task<List<JsonObject>> EventsAsync(JsonObject? job, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        using var response = await Gateway.GetAsync($"/downloads/{Id(job!)}/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        var events = new List<JsonObject>();
        while (await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(JsonNode.Parse(line["data: ".Length..])!.AsObject());
            }
        }

        return events;
    }

    private async Task<long> BytesDoneAsync(JsonObject job) => (await Gateway.GetFromJsonAsync<JsonObject>($"/downloads/{Id(job)}"))!["bytes_done"]!.GetValue<long>();

    private async Task<string> StateAsync(JsonObject job)
    {
        using var response = await Gateway.GetAsync($"/downloads/{Id(job)}");
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonObject>())!["state"]!.GetValue<string>() : $"{response.StatusCode}";
    }

    private static string Id(JsonObject job) => job["id"]!.GetValue<string>();

    private static byte[] RealGguf(int size)
    {
        using var stream = new MemoryStream();
        TinyGguf.Write(stream);
        stream.Write(RandomNumberGenerator.GetBytes(size - (int)stream.Length));
        return stream.ToArray();
    }

    private string _manifest = "";

    public async Task InitializeAsync()
    {
        fixture.Hub.Cdn.Faults.Clear();
        fixture.Hub.Cdn.ResetCounters();
        _manifest = await File.ReadAllTextAsync(System.ManifestPath);
    }

    /// <summary>Leaves the shared system's catalog as it found it: the models a test downloaded go, and the Registry has reloaded.</summary>
    public async Task DisposeAsync()
    {
        fixture.Hub.Cdn.Faults.Clear();
        await fixture.RestoreManifestAsync(_manifest);
    }
}
