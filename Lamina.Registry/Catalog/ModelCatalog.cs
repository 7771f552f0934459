using System.Security.Cryptography;
using System.Text;
using Lamina.Shared.Contracts;
using Lamina.Shared.Gguf;
using Lamina.Shared.Manifest;
using Microsoft.Extensions.Options;

namespace Lamina.Registry.Catalog;

/// <summary>
/// The manifest as last read. A reload that finds the file broken keeps serving the last good
/// models and reports the problems; readers never wait for a reload.
/// </summary>
public sealed partial class ModelCatalog(
    IOptions<RegistryOptions> options, GgufHeaders headers, ChecksumVerifier checksums, TimeProvider time, ILogger<ModelCatalog> logger)
{
    private readonly Lock _gate = new();
    private (DateTime WrittenAt, long Length) _stamp = (DateTime.MinValue, -1);
    private volatile CatalogSnapshot _current = CatalogSnapshot.Empty;
    private ManifestDocument? _document;

    public string ManifestPath { get; } = options.Value.ManifestPath;

    public string ModelsDir { get; } = Path.GetFullPath(options.Value.ModelsDir);

    public CatalogSnapshot Current => _current;

    public ModelManifest Manifest => _current.Manifest;

    /// <summary>Where the model's files are and whether they are there, what its format says, and what its sha256 says.</summary>
    public CatalogModel Describe(ModelEntry model)
    {
        var (resolved, problem) = ModelPaths.Resolve(ModelsDir, model.Path);
        problem ??= ModelFiles.Check(resolved!, model.Format, headers);
        var checksum = problem is null && model.Sha256 is { } expected && File.Exists(resolved) ? checksums.Check(resolved, expected) : null;
        if (checksum is { Actual: { } actual })
        {
            problem = $"sha256 mismatch: the file's is {actual} but the manifest says {model.Sha256}; download the model again, or correct sha256 if the manifest is wrong";
        }

        return new CatalogModel(model.Name, model.Backend, model.Path, resolved, problem is null, problem) { Checksum = checksum?.State };
    }

    /// <summary>Starts checking, in the background, every present model file whose entry declares a sha256.</summary>
    public void VerifyChecksums()
    {
        foreach (var model in Manifest.Models.Values.Where(model => model.Sha256 is not null))
        {
            Describe(model);
        }
    }

    /// <summary>What the model's GGUF header says, when it is an available GGUF file.</summary>
    public GgufModelInfo? Inspect(ModelEntry model, CatalogModel files) =>
        files is { Available: true, ResolvedPath: { } path } && model.Format == ModelFormats.Gguf ? headers.Read(path).Info : null;

    /// <summary>Reads the file again if it changed since the last reading; true when the snapshot changed.</summary>
    public bool Refresh()
    {
        var file = new FileInfo(ManifestPath);
        var stamp = file.Exists ? (file.LastWriteTimeUtc, file.Length) : (DateTime.MinValue, 0);
        lock (_gate)
        {
            if (stamp == _stamp)
            {
                return false;
            }

            _stamp = stamp;
            var next = Load();
            var changed = next.ETag != _current.ETag || !next.Problems.SequenceEqual(_current.Problems);
            _current = next;
            return changed;
        }
    }

    private CatalogSnapshot Load()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(ManifestPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var missing = $"{ManifestPath}: cannot be read ({e.Message}); create it or set Lamina:Manifest to the models.yaml to use";
            LogUnreadable(logger, missing);
            return _current with { Problems = [missing] };
        }

        var etag = ETagOf(bytes);
        // An edit to a few entries of a large file re-reads only those entries.
        var text = Encoding.UTF8.GetString(bytes);
        _document = _document?.Update(text) ?? ManifestDocument.Read(text, ManifestPath);
        var result = _document.Result;
        var problems = result.Problems.Select(problem => problem.ToString()).ToList();
        foreach (var problem in problems)
        {
            LogProblem(logger, problem);
        }

        if (result.Unreadable)
        {
            return _current with { Problems = problems };
        }

        LogLoaded(logger, result.Manifest.Models.Count, ManifestPath);
        return new CatalogSnapshot(KeepLastGood(result), etag, time.GetUtcNow(), problems);
    }

    /// <summary>A model whose entry an edit broke keeps serving as it was until the entry is fixed.</summary>
    private ModelManifest KeepLastGood(ManifestLoadResult result)
    {
        var broken = result.Problems.Select(problem => problem.Model).OfType<string>()
            .Where(name => !result.Manifest.Models.ContainsKey(name) && _current.Manifest.Models.ContainsKey(name))
            .ToHashSet(StringComparer.Ordinal);
        if (broken.Count == 0)
        {
            return result.Manifest;
        }

        var models = result.Manifest.Models.ToDictionary(StringComparer.Ordinal);
        foreach (var name in broken)
        {
            models[name] = _current.Manifest.Models[name];
        }

        return result.Manifest with { Models = models };
    }

    public static string ETagOf(byte[] bytes) => $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"";

    [LoggerMessage(LogLevel.Information, "Loaded {Count} models from {Manifest}")]
    private static partial void LogLoaded(ILogger logger, int count, string manifest);

    [LoggerMessage(LogLevel.Warning, "Manifest cannot be read, serving the last good catalog: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string problem);

    [LoggerMessage(LogLevel.Warning, "Manifest problem: {Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);
}
