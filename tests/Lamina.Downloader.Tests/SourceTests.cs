using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Lamina.Downloader;
using Lamina.Downloader.Sources;
using Lamina.Downloader.Transfer;
using Lamina.TestSupport.Peers;
using Microsoft.Extensions.Options;

namespace Lamina.Downloader.Tests;

public sealed class SourceTests : IAsyncLifetime
{
    private const string Repo = "owner/Tiny-GGUF";
    private const string Token = "hf_secret_token_123";

    private static readonly byte[] Weights = RandomNumberGenerator.GetBytes(200_000);

    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("lamina-sources-");
    private readonly HttpClient _noRedirects = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private readonly HttpClient _redirects = new();
    private HuggingFaceHub _hub = null!;
    private OllamaRegistry _ollama = null!;

    [Fact]
    public async Task HuggingFaceFileResolvesToTheFileServerWithItsSizeAndSha256()
    {
        var plan = await HuggingFace().PlanAsync("tiny", Source(("repo_id", Repo), ("filename", "tiny.Q4_K_M.gguf")), null, null, _models.FullName, CancellationToken.None);

        var file = Assert.Single(plan.Files);
        Assert.Equal(_hub.Cdn.BaseAddress.Authority, file.Url.Authority);
        Assert.Equal(Weights.Length, file.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Weights)), file.Sha256);
        Assert.Equal("tiny/tiny.Q4_K_M.gguf", plan.Path);
        Assert.Equal(Path.Combine(_models.FullName, "tiny", "tiny.Q4_K_M.gguf"), file.TargetPath);
        Assert.Empty(file.Headers);
    }

    [Fact]
    public async Task RenamedRepositoryIsFollowedThroughItsRelativeRedirect()
    {
        _hub.Rename(Repo, "owner/Renamed-GGUF");

        var plan = await HuggingFace().PlanAsync("tiny", Source(("repo_id", Repo), ("filename", "tiny.Q4_K_M.gguf")), null, null, _models.FullName, CancellationToken.None);

        Assert.Equal(Weights.Length, Assert.Single(plan.Files).Size);
    }

    [Theory]
    [InlineData("owner/Nope-GGUF", "tiny.Q4_K_M.gguf", "main", "Hugging Face has no repository 'owner/Nope-GGUF'")]
    [InlineData(Repo, "missing.gguf", "main", "has no file 'missing.gguf' at revision 'main'")]
    [InlineData(Repo, "tiny.Q4_K_M.gguf", "v9", "has no revision 'v9'")]
    public async Task HuggingFaceRefusalsSayWhatIsMissing(string repo, string filename, string revision, string expected)
    {
        var error = await Assert.ThrowsAsync<TransferException>(() => HuggingFace().PlanAsync(
            "tiny", Source(("repo_id", repo), ("filename", filename), ("revision", revision)), null, null, _models.FullName, CancellationToken.None));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task GatedRepositoryNeedsTheTokenWhichIsSentToTheHubOnlyAndNeverShown()
    {
        _hub.AddFile("owner/Gated-GGUF", "gated.gguf", Weights);
        _hub.Gate("owner/Gated-GGUF", Token);
        var source = Source(("repo_id", "owner/Gated-GGUF"), ("filename", "gated.gguf"));

        var refused = await Assert.ThrowsAsync<TransferException>(() => HuggingFace().PlanAsync("gated", source, null, null, _models.FullName, CancellationToken.None));
        var plan = await HuggingFace(Token).PlanAsync("gated", source, null, null, _models.FullName, CancellationToken.None);
        var wrongToken = await Assert.ThrowsAsync<TransferException>(() => HuggingFace("hf_wrong").PlanAsync("gated", source, null, null, _models.FullName, CancellationToken.None));

        Assert.Contains("is gated: accept its terms", refused.Message);
        Assert.Contains("set Lamina:HuggingFace:Token", refused.Message);
        Assert.Equal(Weights.Length, Assert.Single(plan.Files).Size);
        Assert.Empty(Assert.Single(plan.Files).Headers);
        Assert.Contains($"Bearer {Token}", _hub.Authorizations);
        Assert.DoesNotContain("hf_wrong", wrongToken.Message);
        Assert.DoesNotContain(Token, refused.Message + wrongToken.Message);
    }

    [Fact]
    public async Task FolderModelTakesEveryFileItsPatternsMatch()
    {
        _hub.AddFile("owner/Folder", "config.json", "{}"u8.ToArray(), lfs: false);
        _hub.AddFile("owner/Folder", "model-00001-of-00002.safetensors", Weights);
        _hub.AddFile("owner/Folder", "model-00002-of-00002.safetensors", Weights);
        _hub.AddFile("owner/Folder", "original/consolidated.pth", Weights);
        var source = new JsonObject { ["repo_id"] = "owner/Folder", ["files"] = new JsonArray("*.safetensors", "*.json") };

        var plan = await HuggingFace().PlanAsync("folder", source, null, "safetensors", _models.FullName, CancellationToken.None);

        Assert.Equal("folder", plan.Path);
        Assert.Equal(["config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"],
            plan.Files.Select(file => Path.GetRelativePath(Path.Combine(_models.FullName, "folder"), file.TargetPath)).Order());
    }

    [Fact]
    public async Task FileNameThatClimbsOutOfTheModelsFolderIsRefused()
    {
        var error = await Assert.ThrowsAsync<TransferException>(() => HuggingFace().PlanAsync(
            "tiny", Source(("repo_id", Repo), ("filename", "tiny.Q4_K_M.gguf")), "../../etc/passwd", null, _models.FullName, CancellationToken.None));

        Assert.Contains("outside the models folder", error.Message);
    }

    [Fact]
    public async Task OllamaModelLayerBecomesTheGgufAndTheOtherLayersAreKeptBesideIt()
    {
        _ollama.AddModel("tinyllama", "1b", Weights, template: "{{ .Prompt }}", system: "Be brief.", parameters: "{\"stop\":[\"</s>\"]}");

        var plan = await Ollama().PlanAsync("tinyllama:1b", Source(("model", "tinyllama:1b")), null, _models.FullName, CancellationToken.None);

        Assert.Equal("tinyllama:1b/tinyllama-1b.gguf", plan.Path);
        Assert.Equal("gguf", plan.Format);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Weights)), plan.Files[0].Sha256);
        Assert.Equal(Weights.Length, plan.Files[0].Size);
        Assert.Equal(["params.json", "system", "template"], plan.Files.Skip(1).Select(file => Path.GetFileName(file.TargetPath)).Order());
        Assert.Equal("tinyllama:1b/template", plan.OllamaLayers!["template"]);
    }

    [Theory]
    [InlineData("sha256:../../../../etc/passwd")]
    [InlineData("sha256:ABCDEF")]
    [InlineData("md5:0123")]
    public async Task OllamaDigestThatIsNotExactlySha256IsRefusedBeforeAnyUse(string digest)
    {
        _ollama.AddRawManifest("evil", "latest", $$"""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
             "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"{{digest}}","size":2},
             "layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"{{digest}}","size":10}]}
            """);

        var error = await Assert.ThrowsAsync<TransferException>(() => Ollama().PlanAsync("evil", Source(("model", "evil")), null, _models.FullName, CancellationToken.None));

        Assert.Contains("is not sha256:<64 lowercase hex>", error.Message);
    }

    [Fact]
    public async Task UnknownOllamaModelSaysSo()
    {
        var error = await Assert.ThrowsAsync<TransferException>(() => Ollama().PlanAsync("x", Source(("model", "nothing:7b")), null, _models.FullName, CancellationToken.None));

        Assert.Contains("has no 'nothing:7b'", error.Message);
    }

    [Theory]
    [InlineData("ftp://example.com/model.gguf")]
    [InlineData("file:///etc/passwd")]
    [InlineData("not a url")]
    public void UrlSourceTakesOnlyHttpAndHttps(string url)
    {
        var error = Assert.Throws<TransferException>(() => UrlSource.Plan("m", Source(("url", url)), null, null, null, _models.FullName));

        Assert.Contains("http or https", error.Message);
    }

    [Fact]
    public async Task LocalFileIsLinkedOrCopiedAndVerified()
    {
        var original = Path.Combine(_models.FullName, "..", $"{_models.Name}-original.gguf");
        await File.WriteAllBytesAsync(original, Weights);
        try
        {
            var plan = LocalSource.Plan("copied", Source(("path", Path.GetFullPath(original))), null, null, null, _models.FullName);
            var result = await LocalSource.CopyAsync(plan.Files[0], _ => { }, CancellationToken.None);
            var wrong = plan.Files[0] with { Sha256 = new string('0', 64), TargetPath = plan.Files[0].TargetPath + ".2" };

            Assert.Equal(Weights, await File.ReadAllBytesAsync(plan.Files[0].TargetPath));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Weights)), result.Sha256);
            Assert.Contains("sha256 mismatch", (await Assert.ThrowsAsync<TransferException>(() => LocalSource.CopyAsync(wrong, _ => { }, CancellationToken.None))).Message);
            Assert.False(File.Exists(wrong.TargetPath));
        }
        finally
        {
            File.Delete(original);
        }
    }

    private HuggingFaceSource HuggingFace(string? token = null) =>
        new(_noRedirects, Options.Create(new HuggingFaceOptions { Endpoint = _hub.BaseAddress, Token = token }));

    private OllamaSource Ollama() => new(_redirects, Options.Create(new OllamaOptions { Registry = _ollama.BaseAddress }));

    private static JsonObject Source(params (string Key, string Value)[] fields) =>
        new(fields.Select(field => KeyValuePair.Create(field.Key, (JsonNode?)field.Value)));

    public async Task InitializeAsync()
    {
        _hub = await HuggingFaceHub.StartAsync();
        _hub.AddFile(Repo, "tiny.Q4_K_M.gguf", Weights);
        _hub.AddFile(Repo, "README.md", Encoding.UTF8.GetBytes("# Tiny"), lfs: false);
        _ollama = await OllamaRegistry.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _ollama.DisposeAsync();
        _noRedirects.Dispose();
        _redirects.Dispose();
        _models.Delete(recursive: true);
    }
}
