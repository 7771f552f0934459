using System.Security.Cryptography;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lamina.TestSupport.Aspire;

namespace Lamina.AppHost.Tests;

[Collection(SystemCollection.Name)]
public sealed class ManifestWritesTests(SystemFixture fixture)
{
    private LaminaSystem System => fixture.System;

    private HttpClient Gateway => fixture.System.Gateway;

    [Fact]
    public async Task PutAddsReplacesAndDeleteRemovesEntriesKeepingTheRestOfTheFile()
    {
        var original = await File.ReadAllTextAsync(System.ManifestPath);
        try
        {
            using var created = await Gateway.PutAsJsonAsync("/models/copy", new { path = "tiny.gguf", backend = "embedded", description = "a: second name" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.True((await created.Content.ReadFromJsonAsync<JsonObject>())!["available"]!.GetValue<bool>());
            var written = await File.ReadAllTextAsync(System.ManifestPath);
            Assert.StartsWith(original.TrimEnd()[..original.IndexOf("categories:", StringComparison.Ordinal)], written);

            using var stale = new HttpRequestMessage(HttpMethod.Put, "/models/copy") { Content = JsonContent.Create(new { path = "tiny.gguf", backend = "llama.cpp" }) };
            stale.Headers.TryAddWithoutValidation("If-Match", "\"not-the-version\"");
            Assert.Equal(HttpStatusCode.PreconditionFailed, (await Gateway.SendAsync(stale)).StatusCode);

            using var invalid = await Gateway.PutAsJsonAsync("/models/copy", new { path = "tiny.gguf", backend = "nope" });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
            Assert.Contains("backend", (await invalid.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());

            using var deleted = await Gateway.DeleteAsync("/models/copy");
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Gateway.GetAsync("/models/copy")).StatusCode);
            Assert.True(File.Exists(Path.Combine(System.Root, "models", "tiny.gguf")));
        }
        finally
        {
            await fixture.RestoreManifestAsync(original);
        }
    }

    [Fact]
    public async Task DeclaredSha256IsVerifiedInTheBackgroundAndAMismatchMakesTheModelUnavailable()
    {
        var original = await File.ReadAllTextAsync(System.ManifestPath);
        var file = Path.Combine(System.Root, "models", "tiny.gguf");
        var digest = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file)));
        try
        {
            (await Gateway.PutAsJsonAsync("/models/tiny-checked", new { path = "tiny.gguf", backend = "embedded", sha256 = digest.ToUpperInvariant() })).EnsureSuccessStatusCode();
            (await Gateway.PutAsJsonAsync("/models/tiny-wrong", new { path = "tiny.gguf", backend = "embedded", sha256 = new string('a', 64) })).EnsureSuccessStatusCode();

            Assert.True(await Eventually.TrueAsync(async () => (await ModelAsync("tiny-checked"))["checksum"]?.GetValue<string>() == "verified", TimeSpan.FromSeconds(10)));
            Assert.True(await Eventually.TrueAsync(async () => (await ModelAsync("tiny-wrong"))["checksum"]?.GetValue<string>() == "mismatch", TimeSpan.FromSeconds(10)));
            var checkedModel = await ModelAsync("tiny-checked");
            var wrong = await ModelAsync("tiny-wrong");

            Assert.True(checkedModel["available"]!.GetValue<bool>());
            Assert.False(wrong["available"]!.GetValue<bool>());
            Assert.StartsWith($"sha256 mismatch: the file's is {digest} but the manifest says {new string('a', 64)}", wrong["reason"]!.GetValue<string>());
            using var chat = await Gateway.PostAsJsonAsync("/v1/chat/completions", new { model = "tiny-wrong", messages = new[] { new { role = "user", content = "hi" } } });
            Assert.Equal(HttpStatusCode.Conflict, chat.StatusCode);
            Assert.Contains("sha256 mismatch", await chat.Content.ReadAsStringAsync());
        }
        finally
        {
            await fixture.RestoreManifestAsync(original);
        }
    }

    private async Task<JsonObject> ModelAsync(string name) => (await Gateway.GetFromJsonAsync<JsonObject>($"/models/{name}"))!;

    [Fact]
    public async Task DeleteWithDeleteFilesRemovesTheModelsFileToo()
    {
        var original = await File.ReadAllTextAsync(System.ManifestPath);
        var file = Path.Combine(System.Root, "models", "doomed.gguf");
        File.Copy(Path.Combine(System.Root, "models", "tiny.gguf"), file);
        try
        {
            (await Gateway.PutAsJsonAsync("/models/doomed", new { path = "doomed.gguf", backend = "embedded" })).EnsureSuccessStatusCode();

            using var deleted = await Gateway.DeleteAsync("/models/doomed?delete_files=true");

            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            Assert.False(File.Exists(file));
        }
        finally
        {
            await fixture.RestoreManifestAsync(original);
        }
    }

    [Fact]
    public async Task ConcurrentWritersLoseNoUpdate()
    {
        var original = await File.ReadAllTextAsync(System.ManifestPath);
        try
        {
            var names = Enumerable.Range(0, 12).Select(i => $"parallel-{i}").ToList();
            var responses = await Task.WhenAll(names.Select(name => Gateway.PutAsJsonAsync($"/models/{name}", new { path = "tiny.gguf", backend = "embedded" })));

            Assert.All(responses, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
            var models = (await Gateway.GetFromJsonAsync<JsonObject>("/models"))!["models"]!.AsObject();
            Assert.All(names, name => Assert.True(models.ContainsKey(name), $"{name} was lost"));
        }
        finally
        {
            await fixture.RestoreManifestAsync(original);
        }
    }
}
