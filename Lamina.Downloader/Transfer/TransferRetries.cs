using Polly;
using Polly.Retry;

namespace Lamina.Downloader.Transfer;

/// <summary>
/// The retries of a transfer's requests: a network failure, a stall or a busy server (408, 429,
/// 5xx) is tried again after doubling waits on the given clock; anything else fails at once.
/// </summary>
internal static partial class TransferRetries
{
    private static readonly ResiliencePropertyKey<string> What = new("lamina.transfer.what");
    private static readonly ResiliencePropertyKey<string> Url = new("lamina.transfer.url");

    public static ResiliencePipeline Build(DownloaderOptions options, TimeProvider time, ILogger logger)
    {
        if (options.MaxRetries == 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = arguments => ValueTask.FromResult(arguments.Outcome.Exception is { } e && IsTransient(e)),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = options.RetryDelay,
                UseJitter = false,
                OnRetry = arguments =>
                {
                    var properties = arguments.Context.Properties;
                    LogRetrying(logger, properties.GetValue(What, "a request"), properties.GetValue(Url, ""), arguments.Outcome.Exception?.Message ?? "", arguments.RetryDelay.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>A context naming what is fetched, for the log; return it to <see cref="ResilienceContextPool.Shared"/> after use.</summary>
    public static ResilienceContext Context(string what, string url, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(What, what);
        context.Properties.Set(Url, url);
        return context;
    }

    /// <summary>Failures another try may get past; a refusal (4xx) or a wrong file will not.</summary>
    public static bool IsTransient(Exception e) => e is IOException or HttpRequestException or TimeoutException;

    [LoggerMessage(LogLevel.Warning, "Fetching {What} of {Url} failed ({Reason}); retrying in {Seconds} s")]
    private static partial void LogRetrying(ILogger logger, string what, string url, string reason, double seconds);
}
