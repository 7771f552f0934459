namespace Lamina.Shared.Manifest;

/// <summary>The manifest cannot be used as it is; the message says where and what to change.</summary>
public sealed class ManifestException(string message, Exception? inner = null) : Exception(message, inner)
{
    public ManifestException(IReadOnlyList<ManifestProblem> problems)
        : this(string.Join(Environment.NewLine, problems)) => Problems = problems;

    public IReadOnlyList<ManifestProblem> Problems { get; } = [];
}
