using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lamina.TestSupport.Peers;

namespace Lamina.Peers.Tests;

public sealed class OllamaRegistryTests : IAsyncLifetime
{
    private const string ManifestType = "application/vnd.docker.distribution.manifest.v2+json";
    private readonly byte[] _gguf = RandomNumberGenerator.GetBytes(300_000);
    private readonly HttpClient _following = Clients.Following();
    private readonly HttpClient _notFollowing = Clients.NotFollowing();
    private OllamaRegistry _registry = null!;

    private string Digest => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(_gguf));

    public async Task InitializeAsync()
    {
        _registry = await OllamaRegistry.StartAsync();
        _registry.AddModel("tinyllama", "latest", _gguf, template: "{{ .Prompt }}", system: "Be brief.", parameters: """{"stop":["</s>"]}""");
    }

    public async Task DisposeAsync()
    {
        _following.Dispose();
        _notFollowing.Dispose();
        await _registry.DisposeAsync();
    }

    [Fact]
    public async Task ManifestListsTheModelAndItsTextLayers()
    {
        using var response = await GetManifestAsync("library/tinyllama", "latest");
        var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var layers = manifest.GetProperty("layers").EnumerateArray().ToArray();

        Assert.Equal(ManifestType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(2, manifest.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("application/vnd.docker.container.image.v1+json", manifest.GetProperty("config").GetProperty("mediaType").GetString());
        Assert.Equal(
            ["model", "template", "system", "params"],
            layers.Select(l => l.GetProperty("mediaType").GetString()!["application/vnd.ollama.image.".Length..]));
        Assert.Equal(Digest, layers[0].GetProperty("digest").GetString());
        Assert.Equal(_gguf.Length, layers[0].GetProperty("size").GetInt64());
        var template = Encoding.UTF8.GetBytes("{{ .Prompt }}");
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(template)), layers[1].GetProperty("digest").GetString());
        Assert.All(layers, l => Assert.Matches("^sha256:[0-9a-f]{64}$", l.GetProperty("digest").GetString()));
    }

    [Fact]
    public async Task BlobRedirectsToACdnThatTakesRanges()
    {
        var blob = new Uri(_registry.BaseAddress, $"v2/library/tinyllama/blobs/{Digest}");

        using var redirect = await _notFollowing.GetAsync(blob);
        var whole = await _following.GetByteArrayAsync(blob);
        using var request = new HttpRequestMessage(HttpMethod.Get, blob);
        request.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var part = await _following.SendAsync(request);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirect.StatusCode);
        Assert.Equal(_registry.Blobs.BaseAddress.Authority, redirect.Headers.Location!.Authority);
        Assert.Equal(_gguf, whole);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(_gguf[1000..2000], await part.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task UnknownManifestAndBlobGiveRegistryErrors()
    {
        using var manifest = await GetManifestAsync("library/tinyllama", "70b");
        using var blob = await _notFollowing.GetAsync(new Uri(_registry.BaseAddress, $"v2/library/tinyllama/blobs/sha256:{new string('0', 64)}"));

        Assert.Equal(HttpStatusCode.NotFound, manifest.StatusCode);
        Assert.Equal("MANIFEST_UNKNOWN", ErrorCode(await manifest.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.NotFound, blob.StatusCode);
        Assert.Equal("BLOB_UNKNOWN", ErrorCode(await blob.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task RawManifestIsServedVerbatim()
    {
        const string hostile = """{"schemaVersion":2,"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:../../etc/passwd","size":1}]}""";
        _registry.AddRawManifest("evil/model", "latest", hostile);

        using var response = await GetManifestAsync("evil/model", "latest");

        Assert.Equal(hostile, await response.Content.ReadAsStringAsync());
    }

    private static string? ErrorCode(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("errors")[0].GetProperty("code").GetString();

    private async Task<HttpResponseMessage> GetManifestAsync(string name, string tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_registry.BaseAddress, $"v2/{name}/manifests/{tag}"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ManifestType));
        return await _notFollowing.SendAsync(request);
    }
}
