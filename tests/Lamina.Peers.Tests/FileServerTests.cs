using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Lamina.TestSupport.Peers;

namespace Lamina.Peers.Tests;

public sealed class FileServerTests : IAsyncLifetime
{
    private readonly byte[] _content = RandomNumberGenerator.GetBytes(1 << 20);
    private readonly HttpClient _client = Clients.Following();
    private FileServer _server = null!;

    private Uri Url => _server.UrlOf("/files/model.gguf");

    public async Task InitializeAsync()
    {
        _server = await FileServer.StartAsync();
        _server.Add("/files/model.gguf", _content);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task RangedGetReturnsExactlyThoseBytesWith206()
    {
        using var response = await GetAsync("bytes=1000-1999");

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("bytes 1000-1999/1048576", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(_content[1000..2000], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.NotNull(response.Headers.ETag);
        Assert.NotNull(response.Content.Headers.LastModified);
    }

    [Fact]
    public async Task OpenRangeReturnsTheRestOfTheFile()
    {
        using var response = await GetAsync("bytes=1048000-");

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(_content[1048000..], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task RangePastTheEndIsUnsatisfiable()
    {
        using var response = await GetAsync("bytes=1048576-");

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("bytes */1048576", response.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task IfRangeWithAStaleEtagGivesTheWholeContent()
    {
        using var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Url));
        var etag = head.Headers.ETag!.Tag;

        using var stale = await GetAsync("bytes=10-19", ifRange: "\"not-the-etag\"");
        using var current = await GetAsync("bytes=10-19", ifRange: etag);

        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(_content, await stale.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.PartialContent, current.StatusCode);
        Assert.Equal(_content[10..20], await current.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task HeadGivesTheHeadersOfTheContent()
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Url));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_content.Length, response.Content.Headers.ContentLength);
        Assert.Equal(0, _server.GetRequests);
        Assert.Equal(0, _server.BytesSent);
    }

    [Fact]
    public async Task NoRangeIgnoresRangeAndStopsAdvertisingIt()
    {
        _server.Faults.NoRange = true;

        using var response = await GetAsync("bytes=10-19");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Headers.AcceptRanges);
        Assert.Equal(_content, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ThrottleLimitsTheRateOfAResponse()
    {
        _server.Faults.ThrottleBytesPerSecond = 4_000_000;
        var started = TimeProvider.System.GetTimestamp();

        var body = await _client.GetByteArrayAsync(Url);

        Assert.Equal(_content, body);
        Assert.InRange(TimeProvider.System.GetElapsedTime(started).TotalSeconds, 0.2, 2);
    }

    [Fact]
    public async Task StallHangsTheFirstResponseOnlyAtItsOffset()
    {
        _server.Faults.StallOnceAt(300_000);

        var received = await ReadUntilTimeoutAsync(TimeSpan.FromMilliseconds(500));

        Assert.Equal(300_000, received);
        Assert.Equal(_content, await _client.GetByteArrayAsync(Url));
    }

    [Fact]
    public async Task StallCountHangsThatManyResponses()
    {
        _server.Faults.StallOnceAt(0, count: 2);

        Assert.Equal(0, await ReadUntilTimeoutAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(0, await ReadUntilTimeoutAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(_content, await _client.GetByteArrayAsync(Url));
    }

    [Fact]
    public async Task StallOutsideTheRequestedRangeDoesNotFire()
    {
        _server.Faults.StallOnceAt(500_000);

        using var response = await GetAsync("bytes=0-99");

        Assert.Equal(_content[..100], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(0, await ReadUntilTimeoutAsync(TimeSpan.FromMilliseconds(300), "bytes=500000-"));
    }

    [Fact]
    public async Task DisposingTheServerEndsAStalledResponse()
    {
        _server.Faults.StallOnceAt(0);
        using var response = await _client.GetAsync(Url, HttpCompletionOption.ResponseHeadersRead);
        var started = TimeProvider.System.GetTimestamp();

        await _server.DisposeAsync();

        Assert.InRange(TimeProvider.System.GetElapsedTime(started).TotalSeconds, 0, 1.5);
        await Assert.ThrowsAsync<HttpRequestException>(() => response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task DropCutsTheBodyAtItsOffsetOnce()
    {
        _server.Faults.DropOnceAt(400_000);
        using var response = await _client.GetAsync(Url, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[_content.Length];
        var received = 0;

        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            while (await body.ReadAsync(buffer.AsMemory(received)) is var read and > 0)
                received += read;
        });

        Assert.Equal(400_000, received);
        Assert.Equal(_content[..received], buffer[..received]);
        Assert.Equal(_content, await _client.GetByteArrayAsync(Url));
    }

    [Fact]
    public async Task FlipCorruptsExactlyOneByteInEveryResponseCoveringIt()
    {
        _server.Faults.FlipByteAt(123_456);

        var whole = await _client.GetByteArrayAsync(Url);
        using var part = await GetAsync("bytes=123000-124000");
        var partBytes = await part.Content.ReadAsByteArrayAsync();

        var differing = Enumerable.Range(0, whole.Length).Where(i => whole[i] != _content[i]).ToList();
        Assert.Equal([123_456], differing);
        Assert.Equal((byte)(_content[123_456] ^ 0xFF), whole[123_456]);
        Assert.Equal(whole[123000..124001], partBytes);
        _server.Faults.Clear();
        Assert.Equal(_content, await _client.GetByteArrayAsync(Url));
    }

    [Fact]
    public async Task FailStatusAnswersEveryRequest()
    {
        _server.Faults.FailStatus = 503;

        using var response = await GetAsync("bytes=0-9");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task CountersRecordRequestsRangesAndBytes()
    {
        (await GetAsync("bytes=0-99")).Dispose();
        await _client.GetByteArrayAsync(Url);

        Assert.Equal(2, _server.GetRequests);
        Assert.Equal(["bytes=0-99", null], _server.Ranges);
        Assert.Equal(100 + _content.Length, _server.BytesSent);
        _server.ResetCounters();
        Assert.Equal((0, 0L, 0), (_server.GetRequests, _server.BytesSent, _server.Ranges.Count));
    }

    [Fact]
    public async Task FileOnDiskIsServedWithRanges()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, _content);
            _server.AddFile("disk.bin", path);

            var whole = await _client.GetByteArrayAsync(_server.UrlOf("disk.bin"));
            using var request = new HttpRequestMessage(HttpMethod.Get, _server.UrlOf("/disk.bin"));
            request.Headers.Range = new RangeHeaderValue(5000, null);
            using var part = await _client.SendAsync(request);

            Assert.Equal(_content, whole);
            Assert.Equal(_content[5000..], await part.Content.ReadAsByteArrayAsync());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task UnknownPathIsNotFound()
    {
        using var response = await _client.GetAsync(_server.UrlOf("missing"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<HttpResponseMessage> GetAsync(string range, string? ifRange = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url);
        request.Headers.TryAddWithoutValidation("Range", range);
        if (ifRange is not null)
            request.Headers.TryAddWithoutValidation("If-Range", ifRange);
        return await _client.SendAsync(request);
    }

    /// <summary>Reads the body until nothing arrives for <paramref name="patience"/>, as a client with a read timeout.</summary>
    private async Task<int> ReadUntilTimeoutAsync(TimeSpan patience, string? range = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url);
        if (range is not null)
            request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 << 10];
        var received = 0;
        try
        {
            while (true)
            {
                using var timeout = new CancellationTokenSource(patience);
                var read = await body.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                    return received;
                received += read;
            }
        }
        catch (OperationCanceledException)
        {
            return received;
        }
    }
}
