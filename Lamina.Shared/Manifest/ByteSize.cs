using System.Globalization;
using System.Text.RegularExpressions;

namespace Lamina.Shared.Manifest;

/// <summary>Sizes as people write them: <c>4.7GB</c>, <c>800MB</c>, <c>1.5 GiB</c> or a number of bytes.</summary>
public static partial class ByteSize
{
    /// <summary>The bytes; null when absent or unreadable. <c>GB</c> is 10^9 and <c>GiB</c> 2^30, as the units say.</summary>
    public static long? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var match = SizePattern().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        var unit = match.Groups[2].Value.ToUpperInvariant();
        var binary = unit.Contains('I', StringComparison.Ordinal);
        var power = unit.TrimEnd('B').TrimEnd('I') switch { "K" => 1, "M" => 2, "G" => 3, "T" => 4, _ => 0 };
        var scaled = value * Math.Pow(binary ? 1024 : 1000, power);
        return scaled >= long.MaxValue ? long.MaxValue : (long)scaled;
    }

    /// <summary>Bytes as a person reads them: <c>1.5 GiB</c>, <c>300 MiB</c>.</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?i?B?)$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();
}
