using System.Globalization;

namespace Lamina.Bench.Figures;

/// <summary>Timings in milliseconds and their median.</summary>
public sealed class Samples
{
    private readonly List<double> _values = [];

    public void Add(TimeSpan elapsed) => _values.Add(elapsed.TotalMilliseconds);

    public double Median
    {
        get
        {
            var sorted = _values.Order().ToList();
            return sorted.Count == 0 ? double.NaN
                : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
                : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }
    }

    /// <summary>The nearest-rank percentile, <paramref name="percent"/> from 0 to 100.</summary>
    public double Percentile(double percent)
    {
        var sorted = _values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public static string Ms(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
