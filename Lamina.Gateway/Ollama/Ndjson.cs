using System.Text.Json;
using Lamina.Shared.Contracts;

namespace Lamina.Gateway.Ollama;

/// <summary>Ollama's streams: one JSON object a line, each flushed as it is made.</summary>
public static class Ndjson
{
    public const string ContentType = "application/x-ndjson";

    private static readonly byte[] _newline = [(byte)'\n'];

    public static async Task StartAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.ContentType = ContentType;
        await response.StartAsync(cancellationToken);
    }

    /// <summary>One object and a newline, flushed at once so the client sees each token as it is made.</summary>
    public static async Task WriteLineAsync<T>(HttpResponse response, T line, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(line, LaminaJson.Options), cancellationToken);
        await response.Body.WriteAsync(_newline, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
