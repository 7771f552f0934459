namespace Lamina.TestSupport.Backends.CommandLine;

/// <summary>What a fake serves, read from the real program's command line.</summary>
internal sealed record BackendOptions
{
    public required Personality Personality { get; init; }

    /// <summary>The model argument exactly as given (-m FILE, or serve's MODEL).</summary>
    public required string Model { get; init; }

    /// <summary>The ids the API serves; the first is the one responses carry.</summary>
    public required IReadOnlyList<string> ModelIds { get; init; }

    /// <summary>The address to bind; null binds every interface, as vLLM does without --host.</summary>
    public string? Host { get; init; }

    public required int Port { get; init; }

    public string? ApiKey { get; init; }

    public bool Embeddings { get; init; }

    public string ModelId => ModelIds[0];
}
