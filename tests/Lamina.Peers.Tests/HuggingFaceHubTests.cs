using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lamina.TestSupport.Peers;

namespace Lamina.Peers.Tests;

public sealed class HuggingFaceHubTests : IAsyncLifetime
{
    private const string Repo = "owner/Model-GGUF";
    private readonly byte[] _gguf = RandomNumberGenerator.GetBytes(200_000);
    private readonly byte[] _config = Encoding.UTF8.GetBytes("""{"model_type":"llama"}""");
    private readonly HttpClient _following = Clients.Following();
    private readonly HttpClient _notFollowing = Clients.NotFollowing();
    private HuggingFaceHub _hub = null!;

    private string Sha256 => Convert.ToHexStringLower(SHA256.HashData(_gguf));

    public async Task InitializeAsync()
    {
        _hub = await HuggingFaceHub.StartAsync();
        _hub.AddFile(Repo, "model-Q4_K_M.gguf", _gguf);
        _hub.AddFile(Repo, "config.json", _config, lfs: false);
        _hub.AddFile(Repo, "sub/dir/part.gguf", [1, 2, 3]);
    }

    public async Task DisposeAsync()
    {
        _following.Dispose();
        _notFollowing.Dispose();
        await _hub.DisposeAsync();
    }

    [Fact]
    public async Task HeadOfAnLfsFileRedirectsToTheCdnWithLinkedHeaders()
    {
        using var response = await SendAsync(_notFollowing, HttpMethod.Head, $"{Repo}/resolve/main/model-Q4_K_M.gguf");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(_hub.Cdn.UrlOf($"/repos/{Sha256}"), response.Headers.Location);
        Assert.Equal($"\"{Sha256}\"", response.Header("X-Linked-Etag"));
        Assert.Equal("200000", response.Header("X-Linked-Size"));
        Assert.Equal(_hub.CommitOf(Repo), response.Header("X-Repo-Commit"));
        Assert.Matches("^[0-9a-f]{40}$", _hub.CommitOf(Repo));
        Assert.NotEqual($"\"{Sha256}\"", response.Headers.ETag!.Tag);
        Assert.NotEqual(_gguf.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task GetFollowingTheRedirectYieldsTheBytesAndTakesRanges()
    {
        var whole = await _following.GetByteArrayAsync(new Uri(_hub.BaseAddress, $"{Repo}/resolve/main/model-Q4_K_M.gguf"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_hub.BaseAddress, $"{Repo}/resolve/main/model-Q4_K_M.gguf"));
        request.Headers.Range = new RangeHeaderValue(100_000, null);
        using var part = await _following.SendAsync(request);

        Assert.Equal(_gguf, whole);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(_gguf[100_000..], await part.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task SmallFileIsServedByTheHubWithAGitEtag()
    {
        using var response = await SendAsync(_notFollowing, HttpMethod.Get, $"{Repo}/resolve/main/config.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_config, await response.Content.ReadAsByteArrayAsync());
        Assert.Matches("^\"[0-9a-f]{40}\"$", response.Headers.ETag!.Tag);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.Equal(_hub.CommitOf(Repo), response.Header("X-Repo-Commit"));
    }

    [Fact]
    public async Task CommitShaIsAcceptedAsRevision()
    {
        using var response = await SendAsync(_notFollowing, HttpMethod.Get, $"{Repo}/resolve/{_hub.CommitOf(Repo)}/config.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_hub.CommitOf(Repo), response.Header("X-Repo-Commit"));
    }

    [Fact]
    public async Task RenamedRepoRedirectsRelativelyToItsNewName()
    {
        _hub.Rename(Repo, "owner/Renamed-GGUF");

        using var head = await SendAsync(_notFollowing, HttpMethod.Head, $"{Repo}/resolve/main/model-Q4_K_M.gguf");
        var whole = await _following.GetByteArrayAsync(new Uri(_hub.BaseAddress, $"{Repo}/resolve/main/model-Q4_K_M.gguf"));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, head.StatusCode);
        Assert.False(head.Headers.Location!.IsAbsoluteUri);
        Assert.Equal("/owner/Renamed-GGUF/resolve/main/model-Q4_K_M.gguf", head.Headers.Location.OriginalString);
        Assert.Equal(_gguf, whole);
    }

    [Theory]
    [InlineData("nobody/missing/resolve/main/config.json", HttpStatusCode.Unauthorized, "RepoNotFound")]
    [InlineData("owner/Model-GGUF/resolve/v9/config.json", HttpStatusCode.NotFound, "RevisionNotFound")]
    [InlineData("owner/Model-GGUF/resolve/main/missing.gguf", HttpStatusCode.NotFound, "EntryNotFound")]
    public async Task ErrorsCarryTheHubsErrorCodes(string path, HttpStatusCode status, string code)
    {
        using var head = await SendAsync(_notFollowing, HttpMethod.Head, path);
        using var get = await SendAsync(_notFollowing, HttpMethod.Get, path);

        Assert.Equal((status, code), (head.StatusCode, head.Header("X-Error-Code")));
        Assert.Equal((status, code), (get.StatusCode, get.Header("X-Error-Code")));
        Assert.False(string.IsNullOrEmpty(get.Header("X-Error-Message")));
    }

    [Fact]
    public async Task GatedRepoNeedsTheRightToken()
    {
        _hub.Gate(Repo, "hf_secret");
        var path = $"{Repo}/resolve/main/model-Q4_K_M.gguf";

        using var anonymous = await SendAsync(_notFollowing, HttpMethod.Head, path);
        using var wrong = await SendAsync(_notFollowing, HttpMethod.Head, path, "hf_wrong");
        using var right = await SendAsync(_notFollowing, HttpMethod.Head, path, "hf_secret");

        Assert.Equal((HttpStatusCode.Forbidden, "GatedRepo"), (anonymous.StatusCode, anonymous.Header("X-Error-Code")));
        Assert.Contains("restricted", anonymous.Header("X-Error-Message"));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Found, right.StatusCode);
        Assert.Equal([null, "Bearer hf_wrong", "Bearer hf_secret"], _hub.Authorizations);
    }

    [Fact]
    public async Task TreeListsFilesWithLfsDetailsAndDirectories()
    {
        var recursive = await TreeAsync("?recursive=true");
        var top = await TreeAsync("");

        Assert.Equal(["config.json", "model-Q4_K_M.gguf", "sub", "sub/dir", "sub/dir/part.gguf"], recursive.Select(e => e.GetProperty("path").GetString()));
        Assert.Equal(["config.json", "model-Q4_K_M.gguf", "sub"], top.Select(e => e.GetProperty("path").GetString()));
        var model = recursive[1];
        Assert.Equal("file", model.GetProperty("type").GetString());
        Assert.Equal(200_000, model.GetProperty("size").GetInt64());
        Assert.Equal(Sha256, model.GetProperty("lfs").GetProperty("oid").GetString());
        Assert.Equal(200_000, model.GetProperty("lfs").GetProperty("size").GetInt64());
        Assert.InRange(model.GetProperty("lfs").GetProperty("pointerSize").GetInt32(), 120, 140);
        Assert.False(recursive[0].TryGetProperty("lfs", out _));
        Assert.Matches("^[0-9a-f]{40}$", recursive[0].GetProperty("oid").GetString());
        Assert.Equal("directory", recursive[2].GetProperty("type").GetString());
    }

    private async Task<JsonElement[]> TreeAsync(string query)
    {
        var json = await _following.GetStringAsync(new Uri(_hub.BaseAddress, $"api/models/{Repo}/tree/main{query}"));
        return [.. JsonDocument.Parse(json).RootElement.EnumerateArray()];
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? token = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_hub.BaseAddress, path));
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }
}
