using System.Collections.Concurrent;
using Lamina.Shared.Gguf;

namespace Lamina.Registry.Catalog;

/// <summary>GGUF headers read once per file version (path, size, write time), never their tensors.</summary>
public sealed class GgufHeaders
{
    private readonly ConcurrentDictionary<string, Reading> _readings = new(StringComparer.Ordinal);

    /// <summary>The header, or why the file is not a usable GGUF model.</summary>
    public Reading Read(string path)
    {
        var file = new FileInfo(path);
        if (_readings.TryGetValue(path, out var known) && known.Length == file.Length && known.WrittenAt == file.LastWriteTimeUtc)
        {
            return known;
        }

        Reading reading;
        try
        {
            reading = new Reading(file.Length, file.LastWriteTimeUtc, GgufReader.Read(path), null);
        }
        catch (GgufFormatException e)
        {
            var problem = e.Kind == GgufErrorKind.NotGguf ? "not a GGUF file" : $"unreadable GGUF header: {e.Message}";
            reading = new Reading(file.Length, file.LastWriteTimeUtc, null, problem);
        }
        catch (IOException e)
        {
            return new Reading(file.Length, file.LastWriteTimeUtc, null, $"cannot be read: {e.Message}");
        }

        _readings[path] = reading;
        return reading;
    }

    public sealed record Reading(long Length, DateTime WrittenAt, GgufModelInfo? Info, string? Problem);
}
