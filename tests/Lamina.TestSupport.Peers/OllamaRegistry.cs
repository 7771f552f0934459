using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;

namespace Lamina.TestSupport.Peers;

/// <summary>
/// An Ollama-registry-like server: <c>/v2/{namespace}/{model}/manifests/{tag}</c> and blobs redirected (307) to a
/// <see cref="FileServer"/> that takes <c>Range</c>.
/// </summary>
public sealed class OllamaRegistry : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, string> _manifests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _blobs = new(StringComparer.Ordinal);
    private readonly bool _ownsBlobs;
    private PeerHost? _host;

    private OllamaRegistry(FileServer blobs, bool ownsBlobs)
    {
        Blobs = blobs;
        _ownsBlobs = ownsBlobs;
    }

    /// <summary>Where the registry listens, ending with a slash.</summary>
    public Uri BaseAddress => (_host ?? throw new InvalidOperationException("The registry has not started.")).BaseAddress;

    /// <summary>The server blobs are stored on and redirected to.</summary>
    public FileServer Blobs { get; }

    /// <summary>Starts a registry that stores blobs on <paramref name="blobs"/>, which the caller keeps owning.</summary>
    public static Task<OllamaRegistry> StartAsync(FileServer blobs) => StartAsync(new OllamaRegistry(blobs, ownsBlobs: false));

    /// <summary>Starts a registry with its own blob <see cref="FileServer"/>, disposed with it.</summary>
    public static async Task<OllamaRegistry> StartAsync() =>
        await StartAsync(new OllamaRegistry(await FileServer.StartAsync(), ownsBlobs: true));

    /// <summary>
    /// Publishes <paramref name="name"/> (<c>model</c> means <c>library/model</c>) at <paramref name="tag"/>: the GGUF as
    /// the model layer, then template, system and params (JSON text) layers where given, and a config blob.
    /// </summary>
    public void AddModel(string name, string tag, byte[] gguf, string? template = null, string? system = null, string? parameters = null) =>
        Publish(name, tag, new OllamaLayer("application/vnd.ollama.image.model", AddBlob(gguf), gguf.Length), template, system, parameters);

    /// <summary>As <see cref="AddModel"/>, with the GGUF streamed from <paramref name="ggufPath"/> on disk.</summary>
    public void AddModelFile(string name, string tag, string ggufPath, string? template = null, string? system = null, string? parameters = null)
    {
        using var stream = File.OpenRead(ggufPath);
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
        Blobs.AddFile(_blobs[digest] = BlobPath(digest), ggufPath);
        Publish(name, tag, new OllamaLayer("application/vnd.ollama.image.model", digest, stream.Length), template, system, parameters);
    }

    /// <summary>Stores a blob and returns its digest, <c>sha256:{hex}</c>.</summary>
    public string AddBlob(byte[] content)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
        Blobs.Add(_blobs[digest] = BlobPath(digest), content);
        return digest;
    }

    /// <summary>Serves <paramref name="json"/> verbatim as the manifest of <paramref name="name"/>:<paramref name="tag"/>.</summary>
    public void AddRawManifest(string name, string tag, string json) => _manifests[Key(name, tag)] = json;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        if (_ownsBlobs)
            await Blobs.DisposeAsync();
    }

    internal string? Manifest(string name, string tag) => _manifests.GetValueOrDefault(Key(name, tag));

    internal Uri? BlobUrl(string digest) => _blobs.TryGetValue(digest, out var path) ? Blobs.UrlOf(path) : null;

    private static async Task<OllamaRegistry> StartAsync(OllamaRegistry registry)
    {
        registry._host = await PeerHost.StartAsync(app => OllamaEndpoints.Map(app, registry));
        return registry;
    }

    private static string Key(string name, string tag) => $"{(name.Contains('/') ? name : "library/" + name)}:{tag}";

    // The layout of a Docker distribution store: the CDN path names the digest, as real blob URLs do.
    private static string BlobPath(string digest) => $"/docker/registry/v2/blobs/sha256/{digest[7..9]}/{digest[7..]}/data";

    private void Publish(string name, string tag, OllamaLayer model, string? template, string? system, string? parameters)
    {
        List<OllamaLayer> layers = [model];
        foreach (var (kind, text) in new[] { ("template", template), ("system", system), ("params", parameters) })
        {
            if (text is not null)
                layers.Add(new OllamaLayer($"application/vnd.ollama.image.{kind}", AddBlob(Encoding.UTF8.GetBytes(text)), Encoding.UTF8.GetByteCount(text)));
        }
        var config = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["model_format"] = "gguf",
            ["model_family"] = "llama",
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["rootfs"] = new { type = "layers", diff_ids = layers.Select(l => l.Digest).ToArray() },
        });
        var manifest = new OllamaManifest(new OllamaLayer("application/vnd.docker.container.image.v1+json", AddBlob(config), config.Length), layers);
        _manifests[Key(name, tag)] = JsonSerializer.Serialize(manifest, Json);
    }
}
