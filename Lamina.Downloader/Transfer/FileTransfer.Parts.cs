using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Win32.SafeHandles;

namespace Lamina.Downloader.Transfer;

// The ranged half of FileTransfer: parts taken in file order by parallel connections, each
// resumable from its last byte, hashed in order as they land. FileTransfer.cs holds the rest.
public sealed partial class FileTransfer
{
    private const int StartConnections = 2;
    private const double SlowConnection = 64e6;
    private static readonly TimeSpan WidenCheck = TimeSpan.FromMilliseconds(250);

    private async Task<TransferResult> PartsAsync(TransferRequest request, Probe probe, long size, Action<long> progress, CancellationToken cancellationToken)
    {
        var partial = request.TargetPath + ".partial";
        var partBytes = Math.Max(options.MinPartBytes, (size + options.Parts * 8L - 1) / (options.Parts * 8L));
        var identity = request.Sha256 ?? probe.ETag?.ToString() ?? $"{request.Url.GetLeftPart(UriPartial.Path)} {size}";
        if (!File.Exists(partial))
        {
            File.Delete(partial + ".parts");
        }

        using var state = PartState.OpenOrCreate(partial + ".parts", Math.Max(size, 1), partBytes, identity);
        EnsureRoom(request.TargetPath, size - state.TotalDone);
        // A new partial file gets its whole size reserved up front, so a full disk shows now, not at 99%.
        var file = File.Exists(partial)
            ? File.OpenHandle(partial, FileMode.Open, FileAccess.ReadWrite, FileShare.Read)
            : File.OpenHandle(partial, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, FileOptions.None, preallocationSize: size);
        try
        {
            if (RandomAccess.GetLength(file) != size)
            {
                RandomAccess.SetLength(file, size);
            }

            if (state.TotalDone > 0)
            {
                LogResuming(logger, Path.GetFileName(request.TargetPath), state.TotalDone, size);
            }

            using var hasher = new OrderedHasher(file, size, state.ContiguousEnd);
            using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var hashing = hasher.RunAsync(failed.Token);
            var fetched = 0L;
            var next = -1;
            async Task WorkAsync()
            {
                var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
                try
                {
                    for (var part = Interlocked.Increment(ref next); part < state.Count; part = Interlocked.Increment(ref next))
                    {
                        if (!state.IsComplete(part))
                        {
                            var range = $"bytes {state.Start(part)}-{state.Start(part) + state.Length(part) - 1}";
                            await WithRetriesAsync(request.Url, range, async token =>
                            {
                                await FetchPartAsync(request, probe.ETag, file, state, part, buffer, written =>
                                {
                                    Interlocked.Add(ref fetched, written);
                                    progress(written);
                                    hasher.Advanced();
                                }, token);
                                return true;
                            }, kept: true, failed.Token);
                        }
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            var workers = new List<Task>();
            try
            {
                await ConnectAsync(workers, Math.Min(options.Parts, state.Count), () => Task.Run(WorkAsync, failed.Token), () => Interlocked.Read(ref fetched));
            }
            catch
            {
                await failed.CancelAsync();
                await Task.WhenAll(workers.Append(hashing)).ContinueWith(_ => { }, TaskScheduler.Default);
                throw;
            }

            var sha256 = await hashing;
            file.Dispose();
            return Finish(request, size, sha256, fetched);
        }
        finally
        {
            file.Dispose();
        }
    }

    /// <summary>
    /// Runs the part workers: two at first, all of them as soon as the connections look limited
    /// one by one (a CDN's cap per connection, or a long link one stream cannot fill). A fast
    /// server keeps two streams, which cost less than eight and fetch as much.
    /// </summary>
    private static async Task ConnectAsync(List<Task> workers, int most, Func<Task> start, Func<long> fetched)
    {
        workers.AddRange(Enumerable.Range(0, Math.Min(StartConnections, most)).Select(_ => start()));
        while (workers.Count < most)
        {
            var all = Task.WhenAll(workers);
            var before = fetched();
            var clock = Stopwatch.StartNew();
            if (await Task.WhenAny(all, Task.Delay(WidenCheck)) == all)
            {
                await all;
                return;
            }

            if ((fetched() - before) / clock.Elapsed.TotalSeconds / workers.Count < SlowConnection)
            {
                workers.AddRange(Enumerable.Range(workers.Count, most - workers.Count).Select(_ => start()));
            }
        }

        await Task.WhenAll(workers);
    }

    private async Task FetchPartAsync(
        TransferRequest request, EntityTagHeaderValue? etag, SafeFileHandle file, PartState state, int part, byte[] buffer, Action<long> written, CancellationToken cancellationToken)
    {
        var offset = state.Start(part) + state.Done(part);
        var end = state.Start(part) + state.Length(part);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(options.StallTimeout);
        var url = request.Url;
        using var message = Message(HttpMethod.Get, request);
        message.Headers.Range = new RangeHeaderValue(offset, end - 1);
        if (etag is not null)
        {
            // If the file changed since the parts began, the server sends it whole instead of mixing versions.
            message.Headers.IfRange = new RangeConditionHeaderValue(etag);
        }

        try
        {
            using var response = await SendAsync(message, stall.Token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                throw new SourceChangedException();
            }

            if (response.StatusCode != HttpStatusCode.PartialContent)
            {
                ThrowUnlessSuccess(response, url);
                throw new HttpRequestException($"{Describe(url)} responded {(int)response.StatusCode} to a range request");
            }

            if (response.Content.Headers.ContentRange?.From != offset)
            {
                throw new HttpRequestException($"{Describe(url)} sent bytes from {response.Content.Headers.ContentRange?.From} when asked for {offset}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(stall.Token);
            var done = state.Done(part);
            while (offset < end)
            {
                stall.CancelAfter(options.StallTimeout);
                var read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, end - offset)), stall.Token);
                if (read == 0)
                {
                    throw new IOException($"the connection closed at byte {offset}, {end - offset} bytes before the part's end");
                }

                RandomAccess.Write(file, buffer.AsSpan(0, read), offset);
                offset += read;
                done += read;
                state.Advance(part, done);
                written(read);
            }
        }
        catch (OperationCanceledException) when (stall.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no bytes for {options.StallTimeout.TotalSeconds:0.#} s at byte {offset}");
        }
    }

    [LoggerMessage(LogLevel.Information, "Resuming {File}: {Done} of {Size} bytes already on disk")]
    private static partial void LogResuming(ILogger logger, string file, long done, long size);
}
