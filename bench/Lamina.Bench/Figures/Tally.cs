namespace Lamina.Bench.Figures;

/// <summary>What one side of a load figure saw over its measured rounds: each answer's latency, errors, and the time it ran.</summary>
internal sealed class Tally
{
    private TimeSpan _time;

    public Samples Latency { get; } = new();

    public int Answers { get; private set; }

    public int Errors { get; private set; }

    public double PerSecond => Answers / _time.TotalSeconds;

    public double P50 => Latency.Percentile(50);

    public double P99 => Latency.Percentile(99);

    public void Add(TimeSpan time, IEnumerable<TimeSpan> latencies, int errors)
    {
        _time += time;
        Errors += errors;
        foreach (var latency in latencies)
        {
            Latency.Add(latency);
            Answers++;
        }
    }
}
