using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Lamina.TestSupport.Aspire;
using Lamina.TestSupport.Peers;

namespace Lamina.AppHost.Tests;

/// <summary>
/// One started system shared by every test of the collection (starting one takes seconds), with
/// a Hugging Face-like hub and an Ollama-like registry as its download sources.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public LaminaSystem System { get; private set; } = null!;

    public HuggingFaceHub Hub { get; private set; } = null!;

    public OllamaRegistry Ollama { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Hub = await HuggingFaceHub.StartAsync();
        Ollama = await OllamaRegistry.StartAsync();
        System = await LaminaSystem.StartAsync(LaminaSystem.PreferredStore,
        [
            $"--Lamina:HuggingFace:Endpoint={Hub.BaseAddress}",
            $"--Lamina:Ollama:Registry={Ollama.BaseAddress}",
            // Short enough for tests to see a dead worker's job taken over and a stalled part retried.
            "--Lamina:Downloader:Lease=00:00:03",
            "--Lamina:Downloader:StallTimeout=00:00:03",
            "--Lamina:Downloader:RetryDelay=00:00:00.200",
            "--Lamina:Downloader:MinPartBytes=1048576",
            // Two at once, so a third start shows the least recently used idle model making room.
            "--Lamina:Runner:MaxLoadedModels=2",
        ]);
    }

    /// <summary>Puts the manifest back as a test found it, and waits until the Registry serves that version, so the next test sees it.</summary>
    public async Task RestoreManifestAsync(string text)
    {
        await File.WriteAllTextAsync(System.ManifestPath, text);
        var version = $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16]}\"";
        Assert.True(await Eventually.TrueAsync(
            async () => (await System.Gateway.GetFromJsonAsync<JsonObject>("/manifest"))!["version"]!.GetValue<string>() == version, TimeSpan.FromSeconds(5)));
    }

    public async Task DisposeAsync()
    {
        await System.DisposeAsync();
        // Services restarted during the tests (after a kill) must end with the system like the others.
        var left = await Eventually.TrueAsync(() => Task.FromResult(System.ProcessesLeft().Count == 0), TimeSpan.FromSeconds(30));
        var processes = System.ProcessesLeft();
        System.DeleteFiles();
        await Hub.DisposeAsync();
        await Ollama.DisposeAsync();
        Assert.True(left, $"processes outlived the system: {string.Join("; ", processes)}");
    }
}
