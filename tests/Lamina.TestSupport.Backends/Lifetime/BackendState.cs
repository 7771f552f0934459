namespace Lamina.TestSupport.Backends.Lifetime;

/// <summary>Whether the model has "loaded", and the code the process will exit with.</summary>
internal sealed class BackendState
{
    public const int CrashExitCode = 3;

    private volatile bool _ready;

    public bool IsReady => _ready;

    public int ExitCode { get; private set; }

    public void MarkReady() => _ready = true;

    public void MarkCrashed() => ExitCode = CrashExitCode;
}
