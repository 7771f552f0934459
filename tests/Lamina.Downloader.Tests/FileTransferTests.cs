using System.Security.Cryptography;
using Lamina.Downloader;
using Lamina.Downloader.Transfer;
using Lamina.TestSupport.Peers;
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

        Assert.Contains("answered 404", error.Message);
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
        var transfer = new FileTransfer(_http, Options, NullLogger<FileTransfer>.Instance, freeSpace: _ => Size / 2);

        var error = await Assert.ThrowsAsync<TransferException>(() => transfer.RunAsync(Request(), _ => { }, CancellationToken.None));

        Assert.Contains($"not enough disk space: {Size} more bytes are needed", error.Message);
        Assert.Contains("set Lamina:ModelsDir to a larger disk", error.Message);
        Assert.Equal(0, _server.BytesSent);
    }

    private Task<TransferResult> RunAsync() => Transfer().RunAsync(Request(), _ => { }, CancellationToken.None);

    private TransferRequest Request() => new(_server.UrlOf("/model.gguf"), Target) { Size = Size, Sha256 = Digest };

    private FileTransfer Transfer() => new(_http, Options, NullLogger<FileTransfer>.Instance);

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
