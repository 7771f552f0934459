using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Lamina.TestSupport.Peers;

/// <summary>
/// A Hugging Face-like hub: <c>resolve</c> redirects LFS files to a <see cref="FileServer"/> (the CDN) and serves
/// small files itself; the tree API lists files; renamed, missing and gated repositories fail as on the real hub.
/// </summary>
public sealed class HuggingFaceHub : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, HubRepository> _repositories = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _renames = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string?> _authorizations = new();
    private readonly bool _ownsCdn;
    private PeerHost? _host;

    private HuggingFaceHub(FileServer cdn, bool ownsCdn)
    {
        Cdn = cdn;
        _ownsCdn = ownsCdn;
    }

    /// <summary>Where the hub listens, ending with a slash: the endpoint a client is configured with.</summary>
    public Uri BaseAddress => (_host ?? throw new InvalidOperationException("The hub has not started.")).BaseAddress;

    /// <summary>The server LFS files are stored on and redirected to.</summary>
    public FileServer Cdn { get; }

    /// <summary>The <c>Authorization</c> header of each request to the hub, null where there was none.</summary>
    public IReadOnlyList<string?> Authorizations => [.. _authorizations];

    /// <summary>Starts a hub that stores LFS files on <paramref name="cdn"/>, which the caller keeps owning.</summary>
    public static Task<HuggingFaceHub> StartAsync(FileServer cdn) => StartAsync(new HuggingFaceHub(cdn, ownsCdn: false));

    /// <summary>Starts a hub with its own CDN <see cref="FileServer"/>, disposed with it.</summary>
    public static async Task<HuggingFaceHub> StartAsync() =>
        await StartAsync(new HuggingFaceHub(await FileServer.StartAsync(), ownsCdn: true));

    /// <summary>Adds a file at <paramref name="revision"/>; an LFS file goes to the CDN under its sha256.</summary>
    public void AddFile(string repoId, string path, byte[] content, string revision = "main", bool lfs = true)
    {
        if (!lfs)
        {
            Put(repoId, revision, HubFile.Git(path, content));
            return;
        }
        var file = HubFile.Lfs(path, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)));
        Cdn.Add(file.CdnPath, content);
        Put(repoId, revision, file);
    }

    /// <summary>Adds the file at <paramref name="filePath"/> on disk; an LFS file is streamed from there by the CDN.</summary>
    public void AddFile(string repoId, string path, string filePath, string revision = "main", bool lfs = true)
    {
        if (!lfs)
        {
            AddFile(repoId, path, File.ReadAllBytes(filePath), revision, lfs: false);
            return;
        }
        using var stream = File.OpenRead(filePath);
        var file = HubFile.Lfs(path, stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
        Cdn.AddFile(file.CdnPath, filePath);
        Put(repoId, revision, file);
    }

    /// <summary>The commit sha <paramref name="revision"/> of <paramref name="repoId"/> resolves to.</summary>
    public string CommitOf(string repoId, string revision = "main") => Repository(repoId).Revision(revision).Commit;

    /// <summary>Moves a repository; requests to the old id get a 307 with a relative <c>Location</c>.</summary>
    public void Rename(string oldRepoId, string newRepoId)
    {
        if (_repositories.TryRemove(oldRepoId, out var repository))
            _repositories[newRepoId] = repository;
        _renames[oldRepoId] = newRepoId;
    }

    /// <summary>Gates a repository: requests without <c>Authorization: Bearer {token}</c> get 403 GatedRepo.</summary>
    public void Gate(string repoId, string token) => Repository(repoId).GateToken = token;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        if (_ownsCdn)
            await Cdn.DisposeAsync();
    }

    /// <summary>
    /// The revision a request names, or null once a redirect (renamed repository) or an error has been written.
    /// </summary>
    internal async Task<HubRevision?> FindAsync(HttpContext context, string repoId, string revision)
    {
        if (_renames.TryGetValue(repoId, out var newId))
        {
            var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
            var old = $"/{repoId}/";
            var at = target.IndexOf(old, StringComparison.Ordinal);
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = string.Concat(target.AsSpan(0, at), $"/{newId}/", target.AsSpan(at + old.Length));
            return null;
        }
        if (!_repositories.TryGetValue(repoId, out var repository))
        {
            await HubErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "RepoNotFound", "Repository not found");
            return null;
        }
        if (repository.GateToken is { } token && context.Request.Headers.Authorization != $"Bearer {token}")
        {
            var message = $"Access to model {repoId} is restricted. You must have access to it and be authenticated to access it. Please log in.";
            await HubErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "GatedRepo", message);
            return null;
        }
        var found = repository.Find(revision);
        if (found is null)
            await HubErrors.WriteAsync(context, StatusCodes.Status404NotFound, "RevisionNotFound", $"Invalid rev id: {revision}");
        return found;
    }

    private static async Task<HuggingFaceHub> StartAsync(HuggingFaceHub hub)
    {
        hub._host = await PeerHost.StartAsync(app =>
        {
            app.Use((context, next) =>
            {
                var authorization = context.Request.Headers.Authorization;
                hub._authorizations.Enqueue(authorization.Count == 0 ? null : authorization.ToString());
                return next(context);
            });
            HubResolveEndpoint.Map(app, hub);
            HubTreeEndpoint.Map(app, hub);
        });
        return hub;
    }

    private HubRepository Repository(string repoId) => _repositories.GetOrAdd(repoId, id => new HubRepository(id));

    private void Put(string repoId, string revision, HubFile file) =>
        Repository(repoId).Revision(revision).Files[file.Path] = file;
}
