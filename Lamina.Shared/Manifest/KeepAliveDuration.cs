using System.Globalization;

namespace Lamina.Shared.Manifest;

/// <summary>
/// Ollama's <c>keep_alive</c>: how long an idle model stays loaded. A number is seconds; text
/// is a number of seconds or a Go duration (<c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>1.5h</c>,
/// <c>250ms</c>). Zero unloads at once; any negative value keeps the model loaded.
/// </summary>
public static class KeepAliveDuration
{
    /// <summary>What a negative keep_alive means: never unload.</summary>
    public static TimeSpan Forever => Timeout.InfiniteTimeSpan;

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
        {
            return TryFrom(seconds, out duration);
        }

        var span = text.AsSpan();
        var sign = span.Length > 0 && span[0] is '-' or '+' ? (span[0] == '-' ? -1 : 1) : 0;
        span = span[Math.Abs(sign)..];
        var total = 0.0;
        while (!span.IsEmpty)
        {
            var digits = span.IndexOfAnyExcept("0123456789.");
            if (digits <= 0 || !double.TryParse(span[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            span = span[digits..];
            var unitLength = span.IndexOfAny("0123456789.") is var next && next < 0 ? span.Length : next;
            if (UnitSeconds(span[..unitLength]) is not { } unit)
            {
                return false;
            }

            total += amount * unit;
            span = span[unitLength..];
        }

        return text.Length > Math.Abs(sign) && TryFrom(sign < 0 ? -total : total, out duration);
    }

    private static bool TryFrom(double seconds, out TimeSpan duration)
    {
        duration = seconds < 0 ? Forever : default;
        if (seconds < 0)
        {
            return true;
        }

        if (seconds > TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    private static double? UnitSeconds(ReadOnlySpan<char> unit) => unit switch
    {
        "h" => 3600,
        "m" => 60,
        "s" => 1,
        "ms" => 1e-3,
        "us" or "µs" or "μs" => 1e-6,
        "ns" => 1e-9,
        _ => null,
    };
}
