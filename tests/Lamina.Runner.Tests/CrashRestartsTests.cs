using Lamina.Runner.Instances;

namespace Lamina.Runner.Tests;

public sealed class CrashRestartsTests
{
    private readonly ManualTime _time = new();

    [Fact]
    public void RestartsBackOffAndStopAfterTheAllowedNumber()
    {
        var restarts = new CrashRestarts(3, TimeSpan.FromSeconds(1), _time);

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), null],
            Enumerable.Range(0, 4).Select(_ => restarts.Crashed("m")).ToList());
        Assert.Equal(TimeSpan.FromSeconds(1), restarts.Crashed("other"));
    }

    [Fact]
    public void CrashesOlderThanTenMinutesNoLongerCount()
    {
        var restarts = new CrashRestarts(1, TimeSpan.FromSeconds(1), _time);
        Assert.NotNull(restarts.Crashed("m"));
        Assert.Null(restarts.Crashed("m"));

        _time.Now += TimeSpan.FromMinutes(11);

        Assert.Equal(TimeSpan.FromSeconds(1), restarts.Crashed("m"));
    }

    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
