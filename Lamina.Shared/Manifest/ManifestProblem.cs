namespace Lamina.Shared.Manifest;

/// <summary>
/// One thing wrong with a manifest: where it is (1-based line and column; 0 when it concerns
/// the whole file), the field it concerns (<c>models.qwen.backend</c>) and what to change.
/// </summary>
public sealed record ManifestProblem(string File, int Line, int Column, string Field, string Message)
{
    /// <summary>The model entry this problem leaves out of the catalog, or null when it is outside <c>models</c>.</summary>
    public string? Model { get; init; }

    /// <summary><c>models.yaml:12:5: models.qwen.backend: unknown backend 'llamacpp'; use one of: ...</c></summary>
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return Field.Length > 0 ? $"{where}: {Field}: {Message}" : $"{where}: {Message}";
    }
}
