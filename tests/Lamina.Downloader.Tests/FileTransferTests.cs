using System.Collections.Concurrent;
using System.Security.Cryptography;
using Lamina.Downloader;
using Lamina.Downloader.Transfer;
using Lamina.TestSupport.Peers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lamina.Downloader.Tests;

public sealed class FileTransferTests : IAsyncLifetime
{
    private const int Size = 24 << 20;

    private static readonly byte[] Content = RandomNumberGenerator.GetBytes(Size);
    private static readonly string Digest = Convert.ToHexStringLower(SHA256.HashData(Content));

    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("lamina-transfer-");
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = true }) { Timeout = Timeout.InfiniteTimeSpan };
    private FileServer _server = null!;

    private string Target => Path.Combine(_models.FullName, "model", "model.gguf");

    private DownloaderOptions Options { get; } = new()
    {
        Parts = 4,
        MinPartBytes = 1 << 20,
        StallTimeout = TimeSpan.FromMilliseconds(500),
        RetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetries = 3,
    };

    [Fact]
    public async Task FileArrivesWholeInParallelRangedPartsAndVerified()
    {
        var result = await RunAsync();

        Assert.Equal(Digest, result.Sha256);
        Assert.Equal(Content, await File.ReadAllBytesAsync(Target));
        Assert.True(_server.Ranges.Count(range => range is not null) >= 8, $"{_server.Ranges.Count} requests");
        Assert.Equal(Size, _server.BytesSent);
        Assert.Equal([Target], Directory.GetFiles(Path.GetDirectoryName(Target)!));
    }

    [Fact]
    public async Task ServerWithoutRangesGivesOneStream()
    {
        _server.Faults.NoRange = true;

        var result = await RunAsync();

        Assert.Equal(Digest, result.Sha256);
        Assert.Equal(Content, await File.ReadAllBytesAsync(Target));
        Assert.Equal(1, _server.GetRequests);
    }

    [Fact]
    public async Task StalledPartIsFetchedAgainFromWhereItStopped()
    {
        _server.Faults.StallOnceAt(Size / 2 + 12345);

        var result = await RunAsync();

        Assert.Equal(Digest, result.Sha256);
        // The stalled part went on from its last byte: nothing was written twice.
        Assert.Equal(Size, result.BytesFetched);
        Assert.True(_server.GetRequests > Size / Options.MinPartBytes, $"{_server.GetRequests} requests");
    }

    [Fact]
    public async Task DroppedConnectionResumesThePart()
    {
        _server.Faults.DropOnceAt(3 << 20, count: 2);

        var result = await RunAsync();

        Assert.Equal(Content, await File.ReadAllBytesAsync(Target));
        Assert.Equal(Size, result.Size);
    }

    [Fact]
    public async Task PartCutMidwayIsRetriedFromTheByteItStoppedAt()
    {
        var (start, cut, end) = PartCutAt(5);
        _server.Faults.DropOnceAt(cut);

        var result = await RunAsync();

        Assert.Equal(Digest, result.Sha256);
        Assert.Contains($"bytes={start}-{end}", _server.Ranges);
        // The retry asked for the part's remaining bytes only, so no byte was written twice.
        Assert.Contains($"bytes={cut}-{end}", _server.Ranges);
        Assert.Equal(Size, result.BytesFetched);
    }

    [Fact]
    public async Task APartCutOnEveryTryFailsAfterTheRetryBudgetAndAskingAgainResumes()
    {
        var (start, cut, end) = PartCutAt(5);
        _server.Faults.DropOnceAt(cut, count: 100);
        var log = new RetryLog();

        var error = await Assert.ThrowsAsync<TransferException>(() => Transfer(log).RunAsync(Request(), _ => { }, CancellationToken.None));

        Assert.StartsWith($"bytes {start}-{end} of {_server.UrlOf("/model.gguf")} failed {Options.MaxRetries + 1} times, last: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("what arrived is kept, so asking for the download again resumes it", error.Message, StringComparison.Ordinal);
        // Each retry waited twice as long as the one before it.
        Assert.Equal(
            Enumerable.Range(0, Options.MaxRetries).Select(retry => $"bytes {start}-{end}: {(Options.RetryDelay * Math.Pow(2, retry)).TotalSeconds} s"),
            log.Retries.Where(retry => retry.StartsWith($"bytes {start}-", StringComparison.Ordinal)));
        Assert.True(File.Exists(Target + ".partial"));

        _server.Faults.Clear();
        _server.ResetCounters();
        var result = await RunAsync();

        Assert.Equal(Content, await File.ReadAllBytesAsync(Target));
        Assert.Contains($"bytes={cut}-{end}", _server.Ranges);
        Assert.True(result.BytesFetched < Size, $"{result.BytesFetched} bytes fetched again");
    }

    [Fact]
    public async Task CorruptedByteFailsWithBothDigestsAndKeepsNothing()
    {
        _server.Faults.FlipByteAt(Size - 10);

        var error = await Assert.ThrowsAsync<TransferException>(RunAsync);

        Assert.Contains($"the source says {Digest}", error.Message);
        Assert.Matches("the downloaded bytes have [0-9a-f]{64}", error.Message);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(Target)!));
    }

    [Fact]
    public async Task InterruptedTransferResumesFetchingOnlyMissingBytes()
    {
        using var interrupt = new CancellationTokenSource();
        var landed = 0L;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Transfer().RunAsync(Request(), bytes =>
        {
            if (Interlocked.Add(ref landed, bytes) > Size / 2)
            {
                interrupt.Cancel();
            }
        }, interrupt.Token));
        Assert.True(File.Exists(Target + ".partial"));

        var result = await RunAsync();

        Assert.Equal(Digest, result.Sha256);
        Assert.Equal(Content, await File.ReadAllBytesAsync(Target));
        // Every part went on from its last written byte: no byte was fetched into the file twice.
        Assert.Equal(Size, landed + result.BytesFetched);
        Assert.False(File.Exists(Target + ".partial.parts"));
    }

    [Fact]
    public async Task FailingServerIsRetriedABoundedNumberOfTimes()
    {
        _server.Faults.FailStatus = 503;

        var error = await Assert.ThrowsAsync<TransferException>(RunAsync);

        Assert.Contains("503", error.Message);
    }

    [Fact]
    public async Task MissingFileFailsAtOnceSayingSo()
    {
        var error = await Assert.ThrowsAsync<TransferException>(() => Transfer().RunAsync(
            new TransferRequest(_server.UrlOf("/nothing.gguf"), Target), _ => { }, CancellationToken.None));

        Assert.Contains("responded 404", error.Message);
        Assert.Equal(0, _server.GetRequests);
    }

    [Fact]
    public async Task FileThatChangedOnTheServerBetweenAttemptsIsFetchedAnewNotMixed()
    {
        using var interrupt = new CancellationTokenSource();
        var landed = 0L;
        var request = Request() with { Sha256 = null, Size = null };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Transfer().RunAsync(request, bytes =>
        {
            if (Interlocked.Add(ref landed, bytes) > Size / 3)
            {
                interrupt.Cancel();
            }
        }, interrupt.Token));
        var changed = RandomNumberGenerator.GetBytes(Size);
        _server.Add("/model.gguf", changed);

        var result = await Transfer().RunAsync(request, _ => { }, CancellationToken.None);

        // If-Range carried the old version's ETag: the server sent the new file whole, and nothing of the old one was kept.
        Assert.Equal(changed, await File.ReadAllBytesAsync(Target));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(changed)), result.Sha256);
    }

    [Fact]
    public async Task FileThatChangesOnTheServerDuringTheTransferIsStartedOverNotMixed()
    {
        var changed = RandomNumberGenerator.GetBytes(Size);
        var swapped = 0;
        var request = Request() with { Sha256 = null, Size = null };

        // Later parts ask with If-Range and the old ETag: the server answers with the whole new file, and the transfer starts over.
        var result = await Transfer().RunAsync(request, _ =>
        {
            if (Interlocked.Exchange(ref swapped, 1) == 0)
            {
                _server.Add("/model.gguf", changed);
            }
        }, CancellationToken.None);

        Assert.Equal(changed, await File.ReadAllBytesAsync(Target));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(changed)), result.Sha256);
    }

    [Fact]
    public async Task FullDiskIsFoundBeforeAnyByteIsFetched()
    {
        var transfer = new FileTransfer(_http, Options, TimeProvider.System, NullLogger<FileTransfer>.Instance, freeSpace: _ => Size / 2);

        var error = await Assert.ThrowsAsync<TransferException>(() => transfer.RunAsync(Request(), _ => { }, CancellationToken.None));

        Assert.Contains($"not enough disk space: {Size} more bytes are needed", error.Message);
        Assert.Contains("set Lamina:ModelsDir to a larger disk", error.Message);
        Assert.Equal(0, _server.BytesSent);
    }

    /// <summary>Part <paramref name="part"/>'s first byte, a byte in its middle and its last byte (parts are MinPartBytes long here).</summary>
    private (long Start, long Cut, long End) PartCutAt(int part) =>
        (part * Options.MinPartBytes, part * Options.MinPartBytes + 123_457, (part + 1) * Options.MinPartBytes - 1);

    private Task<TransferResult> RunAsync() => Transfer().RunAsync(Request(), _ => { }, CancellationToken.None);

    private TransferRequest Request() => new(_server.UrlOf("/model.gguf"), Target) { Size = Size, Sha256 = Digest };

    private FileTransfer Transfer(ILogger<FileTransfer>? logger = null) => new(_http, Options, TimeProvider.System, logger ?? NullLogger<FileTransfer>.Instance);

    /// <summary>The retries a transfer logs, each as "what: wait".</summary>
    private sealed class RetryLog : ILogger<FileTransfer>
    {
        private readonly ConcurrentQueue<string> _retries = new();

        public IReadOnlyList<string> Retries => [.. _retries];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> fields && fields.FirstOrDefault(field => field.Key == "What").Value is string what)
            {
                _retries.Enqueue($"{what}: {fields.First(field => field.Key == "Seconds").Value} s");
            }
        }
    }

    public async Task InitializeAsync()
    {
        _server = await FileServer.StartAsync();
        _server.Add("/model.gguf", Content);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
        _models.Delete(recursive: true);
    }
}
