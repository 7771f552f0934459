using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Lamina.TestSupport.Aspire;
using StackExchange.Redis;

namespace Lamina.AppHost.Tests;

[Collection(SystemCollection.Name)]
public sealed class RegistryThroughGatewayTests(SystemFixture fixture)
{
    private LaminaSystem System => fixture.System;

    private HttpClient Gateway => fixture.System.Gateway;

    [Theory]
    [InlineData("?available=true", new[] { "broken", "tiny" })]
    [InlineData("?available=false", new[] { "absent" })]
    [InlineData("?category=testing", new[] { "tiny" })]
    [InlineData("?use_case=testing", new[] { "tiny" })]
    [InlineData("?backend=embedded", new[] { "broken" })]
    [InlineData("?tag=nothing-has-this", new string[0])]
    public async Task FiltersNarrowTheModelList(string filter, string[] expected)
    {
        var body = (await Gateway.GetFromJsonAsync<JsonObject>($"/models{filter}"))!;

        Assert.Equal(expected, body["models"]!.AsObject().Select(pair => pair.Key).Order());
        Assert.Equal(expected.Length, body["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task CategoriesAndStatsKeepLaminaLlmServeShapes()
    {
        var categories = (await Gateway.GetFromJsonAsync<JsonObject>("/categories"))!;
        var stats = (await Gateway.GetFromJsonAsync<JsonObject>("/stats"))!;

        Assert.Equal("tiny", categories["categories"]!["testing"]![0]!.GetValue<string>());
        Assert.Equal(3, stats["total_models"]!.GetValue<int>());
        Assert.Equal(2, stats["available_models"]!.GetValue<int>());
        Assert.Equal(1, stats["missing_models"]!.GetValue<int>());
        Assert.Equal("testing", stats["use_cases"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task SuggestChoosesTheUseCaseDefaultAndSaysWhyOthersWereNot()
    {
        using var response = await Gateway.PostAsJsonAsync("/suggest", new { use_case = "testing" });

        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("tiny", body["suggested"]!.GetValue<string>());
        Assert.True(body["available"]!.GetValue<bool>());
        Assert.Equal("tiny.gguf", body["model_info"]!["path"]!.GetValue<string>());
        var absent = body["alternatives"]!.AsArray().Single(a => a!["model"]!.GetValue<string>() == "absent")!;
        Assert.False(absent["eligible"]!.GetValue<bool>());
        Assert.Contains("not meant for 'testing'", absent["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task SuggestWeighsMemoryByTheGgufEstimateNotTheFileSize()
    {
        var estimate = (await Gateway.GetFromJsonAsync<JsonObject>("/models/tiny"))!["metadata"]!["estimated_memory_bytes"]!.GetValue<long>();
        Assert.True(estimate > new FileInfo(Path.Combine(System.Root, "models", "tiny.gguf")).Length);

        using var fits = await Gateway.PostAsJsonAsync("/suggest", new { use_case = "testing", max_memory = estimate });
        using var tooSmall = await Gateway.PostAsJsonAsync("/suggest", new { use_case = "testing", max_memory = estimate - 1 });

        Assert.Equal(estimate, (await fits.Content.ReadFromJsonAsync<JsonObject>())!["estimated_memory_bytes"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.NotFound, tooSmall.StatusCode);
        var tiny = (await tooSmall.Content.ReadFromJsonAsync<JsonObject>())!["alternatives"]!.AsArray().Single(a => a!["model"]!.GetValue<string>() == "tiny")!;
        Assert.StartsWith($"too large for the memory: needs about {estimate} bytes (weights and KV cache at", tiny["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task SuggestWithRequireAvailableRefusesAModelWhoseBackendIsNotInstalled()
    {
        var original = await File.ReadAllTextAsync(System.ManifestPath);
        var folder = Directory.CreateDirectory(Path.Combine(System.Root, "models", "st-model")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "config.json"), "{}");
        await File.WriteAllBytesAsync(Path.Combine(folder, "model.safetensors"), [0]);
        try
        {
            (await Gateway.PutAsJsonAsync("/models/st-model", new { path = "st-model", backend = "vllm", use_cases = new[] { "testing" } })).EnsureSuccessStatusCode();

            using var response = await Gateway.PostAsJsonAsync("/suggest", new { use_case = "testing", require_available = true });

            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal("tiny", body["suggested"]!.GetValue<string>());
            var vllm = body["alternatives"]!.AsArray().Single(a => a!["model"]!.GetValue<string>() == "st-model")!;
            Assert.True((await Gateway.GetFromJsonAsync<JsonObject>("/models/st-model"))!["available"]!.GetValue<bool>());
            Assert.Equal("backend vllm missing: 'vllm' is not installed (not on PATH)", vllm["reason"]!.GetValue<string>());
        }
        finally
        {
            await fixture.RestoreManifestAsync(original);
        }
    }

    [Fact]
    public async Task SuggestThatNothingFitsIsNotFoundWithReasons()
    {
        using var response = await Gateway.PostAsJsonAsync("/suggest", new { max_size = "10B" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("too large", body["alternatives"]![0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task ManifestEditsArePickedUpAndPublishedAndABrokenEditKeepsTheLastGoodCatalog()
    {
        var original = await File.ReadAllTextAsync(System.ManifestPath);
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await System.App.GetConnectionStringAsync("redis"))!);
        var versions = Channel.CreateUnbounded<string>();
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal("lamina:events:manifest"), (_, version) => versions.Writer.TryWrite(version!));
        try
        {
            var added = await WriteAsync(original.Replace("models:\n", "models:\n  added:\n    path: added.gguf\n    backend: embedded\n", StringComparison.Ordinal), versions);
            var manifest = (await Gateway.GetFromJsonAsync<JsonObject>("/manifest"))!;
            Assert.Equal(added, manifest["version"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync("/models/added")).StatusCode);

            await WriteAsync("models:\n  tiny: [unclosed\n", versions, broken: true);
            manifest = (await Gateway.GetFromJsonAsync<JsonObject>("/manifest"))!;
            Assert.Matches(@"models\.yaml:\d+:\d+", manifest["errors"]![0]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync("/models/added")).StatusCode);
            using var registry = System.App.CreateHttpClient("registry");
            Assert.Equal("Degraded", await registry.GetStringAsync("/health"));
        }
        finally
        {
            await WriteAsync(original, versions);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Gateway.GetAsync("/models/added")).StatusCode);
        Assert.Empty((await Gateway.GetFromJsonAsync<JsonObject>("/manifest"))!["errors"]!.AsArray());
    }

    /// <summary>
    /// Writes the manifest and waits for the Registry to announce that version on Redis, which must
    /// come within two seconds. A broken text keeps the last good version, so then any announcement counts.
    /// </summary>
    private async Task<string> WriteAsync(string text, Channel<string> versions, bool broken = false)
    {
        await File.WriteAllTextAsync(System.ManifestPath, text);
        var version = $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16]}\"";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        string announced;
        do
        {
            // An earlier test's restore of the file may still be announced first.
            announced = await versions.Reader.ReadAsync(timeout.Token);
        }
        while (announced != version && !broken);

        return announced;
    }
}
