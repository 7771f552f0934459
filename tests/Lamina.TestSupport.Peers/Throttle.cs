using System.Diagnostics;

namespace Lamina.TestSupport.Peers;

/// <summary>A token bucket for one response: sending runs into debt, then sleeps it off.</summary>
internal sealed class Throttle
{
    private double _tokens;
    private long _last = Stopwatch.GetTimestamp();

    /// <summary>Small slices keep a slow response smooth; 64 KiB keeps a fast one cheap.</summary>
    public static int SliceFor(long bytesPerSecond) => (int)Math.Clamp(bytesPerSecond / 16, 1024, 64 << 10);

    public async Task TakeAsync(int count, long bytesPerSecond, CancellationToken ct)
    {
        var now = Stopwatch.GetTimestamp();
        _tokens = Math.Min(count, _tokens + Stopwatch.GetElapsedTime(_last, now).TotalSeconds * bytesPerSecond);
        _last = now;
        _tokens -= count;
        if (_tokens < 0)
            await Task.Delay(TimeSpan.FromSeconds(-_tokens / bytesPerSecond), ct);
    }
}
