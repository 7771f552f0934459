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
            await File.WriteAllTextAsync(System.ManifestPath, original);
        }
    }

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
            await File.WriteAllTextAsync(System.ManifestPath, original);
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
            await File.WriteAllTextAsync(System.ManifestPath, original);
        }
    }
}
