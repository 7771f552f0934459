using System.Text;

namespace Lamina.Engine.Generation;

/// <summary>
/// Cuts the output at the first stop string. Text that could be the start of a stop string is
/// held back until the next piece decides, so a stream never shows part of a stop string.
/// </summary>
internal sealed class StopMatcher(IReadOnlyList<string> stops)
{
    private readonly StringBuilder _pending = new();

    public bool Stopped { get; private set; }

    /// <summary>Adds generated text; returns what can be shown now.</summary>
    public string Push(string text)
    {
        if (Stopped || text.Length == 0)
            return "";
        if (stops.Count == 0)
            return text;

        _pending.Append(text);
        var pending = _pending.ToString();
        var cut = FirstStop(pending);
        if (cut >= 0)
        {
            Stopped = true;
            _pending.Clear();
            return pending[..cut];
        }

        var keep = LongestStopPrefixAtEnd(pending);
        _pending.Remove(0, pending.Length - keep);
        return pending[..^keep];
    }

    /// <summary>Generation ended for another reason: what was held back is plain text after all.</summary>
    public string Flush()
    {
        var rest = _pending.ToString();
        _pending.Clear();
        return Stopped ? "" : rest;
    }

    private int FirstStop(string text)
    {
        var first = -1;
        foreach (var stop in stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first))
                first = at;
        }

        return first;
    }

    private int LongestStopPrefixAtEnd(string text)
    {
        var longest = 0;
        foreach (var stop in stops)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }
}
