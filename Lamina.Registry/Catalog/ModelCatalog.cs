using System.Security.Cryptography;
using Lamina.Shared.Contracts;
using Lamina.Shared.Gguf;
using Lamina.Shared.Manifest;
using Microsoft.Extensions.Options;

namespace Lamina.Registry.Catalog;

/// <summary>
/// The manifest as last read. A reload that finds the file broken keeps serving the last good
/// models and reports the problems; readers never wait for a reload.
/// </summary>
public sealed partial class ModelCatalog(IOptions<RegistryOptions> options, GgufHeaders headers, TimeProvider time, ILogger<ModelCatalog> logger)
{
    private readonly Lock _gate = new();
    private (DateTime WrittenAt, long Length) _stamp = (DateTime.MinValue, -1);
    private volatile CatalogSnapshot _current = CatalogSnapshot.Empty;

    public string ManifestPath { get; } = Path.GetFullPath(options.Value.Manifest);

    public string ModelsDir { get; } = Path.GetFullPath(options.Value.ModelsDir);

    public CatalogSnapshot Current => _current;

    public ModelManifest Manifest => _current.Manifest;

    public CatalogModel Describe(ModelEntry model)
    {
        var (resolved, problem) = ModelFiles.Resolve(ModelsDir, model.Path);
        problem ??= resolved is null ? "no path" : ModelFiles.Check(resolved, headers);
        return new CatalogModel(model.Name, model.Backend, model.Path, resolved, problem is null, problem);
    }

    /// <summary>What the model's GGUF header says, when it is an available GGUF file.</summary>
    public GgufModelInfo? Inspect(CatalogModel model) =>
        model is { Available: true, ResolvedPath: { } path } && path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) ? headers.Read(path).Info : null;

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

        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"";
        try
        {
            using var reader = new StreamReader(new MemoryStream(bytes));
            var manifest = ManifestReader.Read(reader, ManifestPath);
            LogLoaded(logger, manifest.Models.Count, ManifestPath);
            return new CatalogSnapshot(manifest, etag, time.GetUtcNow(), []);
        }
        catch (ManifestException e)
        {
            LogUnreadable(logger, e.Message);
            return _current with { Problems = [e.Message] };
        }
    }

    [LoggerMessage(LogLevel.Information, "Loaded {Count} models from {Manifest}")]
    private static partial void LogLoaded(ILogger logger, int count, string manifest);

    [LoggerMessage(LogLevel.Warning, "Manifest problem, serving the last good catalog: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string problem);
}
