using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;
using Microsoft.Extensions.Options;

namespace Lamina.Registry.Catalog;

/// <summary>
/// The manifest as last read, re-read when the file changes (checked by its size and
/// write time on each use, which costs one stat).
/// </summary>
public sealed partial class ModelCatalog(IOptions<RegistryOptions> options, ILogger<ModelCatalog> logger)
{
    private readonly Lock _gate = new();
    private readonly string _manifestPath = Path.GetFullPath(options.Value.Manifest);
    private readonly string _modelsDir = Path.GetFullPath(options.Value.ModelsDir);
    private (DateTime WrittenAt, long Length) _stamp;
    private ModelManifest _manifest = ModelManifest.Empty;
    private string? _error;
    private bool _loaded;

    public string ManifestPath => _manifestPath;

    public string ModelsDir => _modelsDir;

    /// <summary>Why the manifest could not be read, or null when it was.</summary>
    public string? Error
    {
        get
        {
            Refresh();
            return _error;
        }
    }

    public ModelManifest Manifest
    {
        get
        {
            Refresh();
            return _manifest;
        }
    }

    public CatalogModel Describe(ModelEntry model)
    {
        var (resolved, problem) = ModelFiles.Resolve(_modelsDir, model.Path);
        problem ??= resolved is null ? "no path" : ModelFiles.Check(resolved);
        return new CatalogModel(model.Name, model.Backend, model.Path, resolved, problem is null, problem);
    }

    private void Refresh()
    {
        var file = new FileInfo(_manifestPath);
        var stamp = file.Exists ? (file.LastWriteTimeUtc, file.Length) : default;
        lock (_gate)
        {
            if (_loaded && stamp == _stamp)
            {
                return;
            }

            _stamp = stamp;
            _loaded = true;
            try
            {
                _manifest = ManifestReader.ReadFile(_manifestPath);
                _error = null;
                LogLoaded(logger, _manifest.Models.Count, _manifestPath);
            }
            catch (ManifestException e)
            {
                _error = e.Message;
                LogUnreadable(logger, e.Message);
            }
            catch (IOException e)
            {
                _error = $"{_manifestPath}: {e.Message}";
                LogUnreadable(logger, _error);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Loaded {Count} models from {Manifest}")]
    private static partial void LogLoaded(ILogger logger, int count, string manifest);

    [LoggerMessage(LogLevel.Warning, "Manifest unreadable, keeping the last good catalog: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string problem);
}
