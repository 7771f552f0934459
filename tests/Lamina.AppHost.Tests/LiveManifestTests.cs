using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lamina.Shared.Manifest;
using Lamina.TestSupport.Aspire;
using Lamina.TestSupport.Gguf;
using Lamina.TestSupport.Peers;

namespace Lamina.AppHost.Tests;

/// <summary>
/// Issue 14's sequence as a new user runs it: start Lamina with no manifest setting, pull a model
/// with an Ollama client, stop. The versioned catalog stays as it was; the pull lands in the live
/// manifest of the data folder.
/// </summary>
public sealed class LiveManifestTests
{
    [Fact]
    public async Task APullLandsInTheLiveManifestOfTheDataFolderAndLeavesTheRepositoryCatalogAsItWas()
    {
        var catalog = RepositoryFile("models.yaml");
        var before = await File.ReadAllBytesAsync(catalog);
        await using var ollama = await OllamaRegistry.StartAsync();
        var weights = TinyGguf.WriteTemp();
        ollama.AddModel("smollm", "135m", await File.ReadAllBytesAsync(weights), template: "{{ .Prompt }}");
        File.Delete(weights);
        var system = await LaminaSystem.StartOnDefaultManifestAsync(LaminaSystem.PreferredStore, [$"--Lamina:Ollama:Registry={ollama.BaseAddress}"]);
        try
        {
            Assert.Equal(Path.Combine(system.Root, "data", "models.yaml"), system.ManifestPath);
            Assert.True(File.Exists(system.ManifestPath), "the Registry creates the live manifest at start");

            using var response = await system.Gateway.PostAsJsonAsync("/api/pull", new { model = "smollm:135m", stream = false });

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("success", (await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        }
        finally
        {
            await system.DisposeAsync();
        }

        var live = ManifestReader.LoadFile(system.ManifestPath);
        system.DeleteFiles();
        Assert.Equal(before, await File.ReadAllBytesAsync(catalog));
        Assert.Empty(live.Problems);
        var pulled = live.Manifest.Models["smollm:135m"];
        Assert.Equal("smollm:135m", pulled.Raw["download"]!["ollama"]!["model"]!.GetValue<string>());
        Assert.NotNull(pulled.Raw["ollama_layers"]);
        // Seeded from the catalog: every shipped model is there too.
        Assert.Superset(ManifestReader.Load(new StringReader(ShippedCatalog.Text), "models.yaml").Manifest.Models.Keys.ToHashSet(), live.Manifest.Models.Keys.ToHashSet());
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
}
