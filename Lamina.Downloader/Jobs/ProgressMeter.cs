using Lamina.Shared.Contracts;
using StackExchange.Redis;

namespace Lamina.Downloader.Jobs;

/// <summary>
/// Counts a job's bytes as they land (one interlocked add) and reports them, with speed and time
/// left, at most once per interval: reporting never waits on the transfer or slows it.
/// </summary>
internal sealed partial class ProgressMeter : IAsyncDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    private readonly DownloadQueue _queue;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Queue<(DateTimeOffset At, long Bytes)> _samples = new();
    private readonly Task _reporting;
    private DownloadInfo _job;
    private long _bytes;

    public ProgressMeter(DownloadQueue queue, DownloadInfo job, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        _queue = queue;
        _job = job;
        _time = time;
        _logger = logger;
        _bytes = job.BytesDone;
        _reporting = ReportAsync(interval);
    }

    public void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);

    /// <summary>The job as last measured.</summary>
    public DownloadInfo Current => Measure();

    private async Task ReportAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await _queue.SaveAsync(Measure());
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    // The store is away (restarting): the transfer goes on, and the next report catches up.
                    LogUnreported(_logger, _job.Id, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private DownloadInfo Measure()
    {
        lock (_samples)
        {
            var now = _time.GetUtcNow();
            var bytes = Interlocked.Read(ref _bytes);
            _samples.Enqueue((now, bytes));
            while (_samples.Count > 2 && now - _samples.Peek().At > Window)
            {
                _samples.Dequeue();
            }

            var (since, before) = _samples.Peek();
            var seconds = (now - since).TotalSeconds;
            double? speed = seconds > 0.2 ? (bytes - before) / seconds : _job.SpeedBytesPerSecond;
            double? eta = speed > 0 && _job.TotalBytes is { } total ? Math.Max(0, total - bytes) / speed : null;
            _job = _job with { BytesDone = bytes, SpeedBytesPerSecond = speed, EtaSeconds = eta, UpdatedAt = now };
            return _job;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reporting;
        _stop.Dispose();
    }

    [LoggerMessage(LogLevel.Debug, "Progress of {Job} not reported: {Reason}")]
    private static partial void LogUnreported(ILogger logger, string job, string reason);
}
