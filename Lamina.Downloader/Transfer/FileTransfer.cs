using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Lamina.Downloader.Transfer;

/// <summary>
/// Fetches one file into a preallocated <c>.partial</c> beside its target: in parallel ranged
/// parts taken in file order, each resumable from its last byte, hashed in order while it
/// arrives, and renamed into place only once whole and verified. A server without ranges gets
/// one stream.
/// </summary>
/// <param name="freeSpace">The bytes free on the disk of a folder; the drive's own figure unless a test says otherwise.</param>
public sealed partial class FileTransfer(HttpClient http, DownloaderOptions options, ILogger<FileTransfer> logger, Func<string, long>? freeSpace = null)
{
    private const int BufferBytes = 256 << 10;
    private const int StartConnections = 2;
    private const double SlowConnection = 64e6;
    private static readonly TimeSpan WidenCheck = TimeSpan.FromMilliseconds(250);


    /// <summary>Fetches the file; <paramref name="progress"/> gets each run of bytes as it is written.</summary>
    /// <exception cref="TransferException">The file cannot be fetched or is not what it must be; nothing is kept unless it can be resumed.</exception>
    public async Task<TransferResult> RunAsync(TransferRequest request, Action<long> progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(request.TargetPath)!);
        var probe = await WithRetriesAsync(request.Url, "the file's size", () => ProbeAsync(request, cancellationToken), cancellationToken);
        if (request.Size is { } promised && probe.Size is { } told && promised != told)
        {
            throw new TransferException($"{Describe(request.Url)} is {told} bytes, but the source says the file is {promised}; the source and its file server disagree, try again later");
        }

        var size = probe.Size ?? request.Size;
        try
        {
            return size is { } known and > 0 && probe.Ranges
                ? await PartsAsync(request, probe, known, progress, cancellationToken)
                : await OneStreamAsync(request, size, progress, cancellationToken);
        }
        catch (SourceChangedException)
        {
            // The server's file is not the one the parts were started on: what is on disk is worth nothing.
            Discard(request.TargetPath);
            var fresh = await ProbeAsync(request, cancellationToken);
            return await PartsAsync(request, fresh, fresh.Size ?? size ?? 0, progress, cancellationToken);
        }
    }

    /// <summary>Removes what an unfinished transfer left beside the target.</summary>
    public static void Discard(string targetPath)
    {
        File.Delete(targetPath + ".partial");
        File.Delete(targetPath + ".partial.parts");
    }

    private async Task<Probe> ProbeAsync(TransferRequest request, CancellationToken cancellationToken)
    {
        var url = request.Url;
        using var head = Message(HttpMethod.Head, request);
        using var response = await SendAsync(head, cancellationToken);
        if (response.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
        {
            return new Probe(null, false, null);
        }

        ThrowUnlessSuccess(response, url);
        var ranges = response.Headers.AcceptRanges.Contains("bytes");
        return new Probe(response.Content.Headers.ContentLength, ranges, response.Headers.ETag);
    }

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
                            await WithRetriesAsync(request.Url, range, async () =>
                            {
                                await FetchPartAsync(request, probe.ETag, file, state, part, buffer, written =>
                                {
                                    Interlocked.Add(ref fetched, written);
                                    progress(written);
                                    hasher.Advanced();
                                }, failed.Token);
                                return true;
                            }, failed.Token);
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
                throw new HttpRequestException($"{Describe(url)} answered {(int)response.StatusCode} to a range request");
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

    /// <summary>Runs <paramref name="fetch"/> again after a network failure, with doubling waits, at most <see cref="DownloaderOptions.MaxRetries"/> times.</summary>
    private async Task<T> WithRetriesAsync<T>(Uri url, string what, Func<Task<T>> fetch, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await fetch();
            }
            catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt > options.MaxRetries)
                {
                    throw new TransferException(
                        $"{what} of {Describe(url)} failed {attempt} times, last: {e.Message}; what arrived is kept, so asking for the download again resumes it", e);
                }

                var delay = options.RetryDelay * Math.Pow(2, attempt - 1);
                LogRetrying(logger, what, Describe(url), e.Message, delay.TotalSeconds);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    /// <summary>The whole file in one stream, hashed as it arrives; a retry starts it over.</summary>
    private async Task<TransferResult> OneStreamAsync(TransferRequest request, long? size, Action<long> progress, CancellationToken cancellationToken)
    {
        Discard(request.TargetPath);
        EnsureRoom(request.TargetPath, size ?? 0);
        var partial = request.TargetPath + ".partial";
        var fetched = 0L;
        for (var attempt = 1; ; attempt++)
        {
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                stall.CancelAfter(options.StallTimeout);
                using var response = await SendAsync(Message(HttpMethod.Get, request), stall.Token);
                ThrowUnlessSuccess(response, request.Url);
                await using var body = await response.Content.ReadAsStreamAsync(stall.Token);
                using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
                long length = 0;
                await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.None))
                {
                    try
                    {
                        int read;
                        while ((read = await body.ReadAsync(buffer, stall.Token)) > 0)
                        {
                            stall.CancelAfter(options.StallTimeout);
                            file.Write(buffer, 0, read);
                            sha256.AppendData(buffer, 0, read);
                            length += read;
                            fetched += read;
                            progress(read);
                        }

                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }

                if (size is { } expected && length != expected)
                {
                    throw new IOException($"the connection closed after {length} of {expected} bytes");
                }

                return Finish(request, length, Convert.ToHexStringLower(sha256.GetHashAndReset()), fetched);
            }
            catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt > options.MaxRetries)
                {
                    Discard(request.TargetPath);
                    throw new TransferException($"{Describe(request.Url)} failed {attempt} times, last: {e.Message}", e);
                }

                LogRetrying(logger, "the whole file", Describe(request.Url), e.Message, options.RetryDelay.TotalSeconds);
                await Task.Delay(options.RetryDelay * Math.Pow(2, attempt - 1), cancellationToken);
            }
        }
    }

    /// <summary>Checks the digest, then renames the partial file into place; a mismatch keeps nothing.</summary>
    private static TransferResult Finish(TransferRequest request, long size, string sha256, long fetched)
    {
        if (request.Sha256 is { } expected && !string.Equals(expected, sha256, StringComparison.OrdinalIgnoreCase))
        {
            Discard(request.TargetPath);
            throw new TransferException($"sha256 mismatch: the source says {expected.ToLowerInvariant()}, the downloaded bytes have {sha256}; nothing was kept, ask again to download it anew");
        }

        File.Move(request.TargetPath + ".partial", request.TargetPath, overwrite: true);
        File.Delete(request.TargetPath + ".partial.parts");
        FlushLater(request.TargetPath);
        return new TransferResult(size, sha256, fetched);
    }

    /// <summary>
    /// Puts the finished file on disk in the background. Waiting for the disk before the rename
    /// would halve the speed where the network outruns the disk (as curl, aria2c and ollama do
    /// not wait either); a power cut in the seconds after a download can cost that download.
    /// </summary>
    private static void FlushLater(string path) => _ = Task.Run(() =>
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
            file.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Deleted or moved meanwhile: nothing left to keep.
        }
    });

    private void EnsureRoom(string target, long bytes)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(target))!;
        var free = freeSpace?.Invoke(folder) ?? new DriveInfo(folder).AvailableFreeSpace;
        if (bytes > free)
        {
            throw new TransferException($"not enough disk space: {bytes} more bytes are needed in {Path.GetDirectoryName(target)}, {free} are free; free some space or set Lamina:ModelsDir to a larger disk");
        }
    }

    private static HttpRequestMessage Message(HttpMethod method, TransferRequest request)
    {
        var message = new HttpRequestMessage(method, request.Url);
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken) =>
        http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    private static void ThrowUnlessSuccess(HttpResponseMessage response, Uri url)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            return;
        }

        var message = $"{Describe(url)} answered {status} {response.ReasonPhrase}";
        // Busy or failing servers may recover; a refusal or a missing file will not.
        throw status is 408 or 429 or >= 500 ? new HttpRequestException(message) : new TransferException(message);
    }

    /// <summary>The URL without its query, which for signed CDN links holds credentials.</summary>
    private static string Describe(Uri url) => url.GetLeftPart(UriPartial.Path);

    private sealed record Probe(long? Size, bool Ranges, EntityTagHeaderValue? ETag);

    private sealed class SourceChangedException : Exception;

    [LoggerMessage(LogLevel.Information, "Resuming {File}: {Done} of {Size} bytes already on disk")]
    private static partial void LogResuming(ILogger logger, string file, long done, long size);

    [LoggerMessage(LogLevel.Warning, "Fetching {What} of {Url} failed ({Reason}); retrying in {Seconds} s")]
    private static partial void LogRetrying(ILogger logger, string what, string url, string reason, double seconds);
}
