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

    /// <summary>CPU time the side's process used over the rounds, when it was measured.</summary>
    public TimeSpan? Cpu { get; private set; }

    /// <summary>Microseconds of the side's CPU per answer, or NaN when not measured.</summary>
    public double CpuMicrosecondsEach => Cpu is { } cpu && Answers > 0 ? cpu.TotalMicroseconds / Answers : double.NaN;

    public void AddCpu(TimeSpan used) => Cpu = (Cpu ?? TimeSpan.Zero) + used;

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
