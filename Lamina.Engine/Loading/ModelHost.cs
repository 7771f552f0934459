namespace Lamina.Engine.Loading;

/// <summary>Whether the model is ready; requests read it, the loader sets it once.</summary>
internal sealed class ModelHost : IDisposable
{
    private volatile LoadedModel? _model;

    public bool IsReady => _model is not null;

    public LoadedModel Model => _model ?? throw new InvalidOperationException("The model is still loading.");

    /// <summary>The process exit code: non-zero once loading failed.</summary>
    public int ExitCode { get; set; }

    public void SetLoaded(LoadedModel model) => _model = model;

    public void Dispose() => _model?.Dispose();
}
