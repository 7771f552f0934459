using Microsoft.Extensions.Options;

namespace Lamina.Downloader;

/// <summary>How the Downloader fetches models (section <c>Lamina:Downloader</c>).</summary>
public sealed class DownloaderOptions
{
    public const string Section = "Lamina:Downloader";

    /// <summary>How many downloads run at once in this Downloader.</summary>
    public int MaxConcurrent { get; set; } = 2;

    /// <summary>How many ranged parts of one file are fetched at once.</summary>
    public int Parts { get; set; } = 8;

    /// <summary>The smallest ranged part, in bytes; smaller files come in one stream.</summary>
    public long MinPartBytes { get; set; } = 16L << 20;

    /// <summary>A part that receives no byte for this long is dropped and fetched again from where it stopped.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times one part is retried (with backoff) before the download fails.</summary>
    public int MaxRetries { get; set; } = 6;

    /// <summary>The first retry's wait; each next one doubles it.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a worker's claim on a job lasts unless renewed; a dead worker's job is taken over after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest between two progress reports of one job.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long finished, failed and cancelled jobs stay visible.</summary>
    public TimeSpan KeepFinished { get; set; } = TimeSpan.FromDays(1);
}

public sealed class DownloaderOptionsValidator : IValidateOptions<DownloaderOptions>
{
    public ValidateOptionsResult Validate(string? name, DownloaderOptions options)
    {
        var failures = new List<string>();
        if (options.MaxConcurrent < 1)
        {
            failures.Add("Lamina:Downloader:MaxConcurrent must be at least 1.");
        }

        if (options.Parts is < 1 or > 64)
        {
            failures.Add("Lamina:Downloader:Parts must be between 1 and 64.");
        }

        if (options.MinPartBytes < 1 << 16)
        {
            failures.Add("Lamina:Downloader:MinPartBytes must be at least 65536.");
        }

        if (options.StallTimeout <= TimeSpan.Zero || options.Lease <= TimeSpan.Zero || options.ProgressInterval <= TimeSpan.Zero)
        {
            failures.Add("Lamina:Downloader:StallTimeout, Lease and ProgressInterval must be positive durations such as 00:00:30.");
        }

        if (options.MaxRetries < 0)
        {
            failures.Add("Lamina:Downloader:MaxRetries must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
