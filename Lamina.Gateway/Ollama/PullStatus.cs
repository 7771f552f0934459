namespace Lamina.Gateway.Ollama;

/// <summary>One line of <c>POST /api/pull</c>: a status, with bytes while a layer downloads, or an error.</summary>
public sealed record PullStatus(string? Status)
{
    public string? Digest { get; init; }

    public long? Total { get; init; }

    public long? Completed { get; init; }

    public string? Error { get; init; }

    public static PullStatus Failed(string error) => new((string?)null) { Error = error };
}
