using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Polly;

namespace Lamina.Downloader.Transfer;

/// <summary>
/// Fetches one file into a preallocated <c>.partial</c> beside its target: in parallel ranged
/// parts taken in file order, each resumable from its last byte, hashed in order while it
/// arrives, and renamed into place only once whole and verified. A server without ranges gets
/// one stream.
/// </summary>
/// <param name="freeSpace">The bytes free on the disk of a folder; the drive's own figure unless a test says otherwise.</param>
public sealed partial class FileTransfer(HttpClient http, DownloaderOptions options, TimeProvider time, ILogger<FileTransfer> logger, Func<string, long>? freeSpace = null)
{
    private const int BufferBytes = 256 << 10;

    private readonly ResiliencePipeline _retries = TransferRetries.Build(options, time, logger);

    /// <summary>Fetches the file; <paramref name="progress"/> gets each run of bytes as it is written.</summary>
    /// <exception cref="TransferException">The file cannot be fetched or is not what it must be; nothing is kept unless it can be resumed.</exception>
    public async Task<TransferResult> RunAsync(TransferRequest request, Action<long> progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(request.TargetPath)!);
        var probe = await WithRetriesAsync(request.Url, "the file's size", token => ProbeAsync(request, token), kept: true, cancellationToken);
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

    /// <summary>
    /// Runs <paramref name="fetch"/> again after a network failure, with doubling waits, at most
    /// <see cref="DownloaderOptions.MaxRetries"/> times. Each run starts where the last one left off
    /// (a part from its last written byte), since <paramref name="fetch"/> reads that when it starts.
    /// </summary>
    /// <param name="kept">Whether what arrived stays on disk when every try failed, so asking again resumes.</param>
    private async Task<T> WithRetriesAsync<T>(Uri url, string what, Func<CancellationToken, Task<T>> fetch, bool kept, CancellationToken cancellationToken)
    {
        var context = TransferRetries.Context(what, Describe(url), cancellationToken);
        try
        {
            return await _retries.ExecuteAsync(static async (context, fetch) => await fetch(context.CancellationToken), context, fetch);
        }
        catch (Exception e) when (TransferRetries.IsTransient(e) && !cancellationToken.IsCancellationRequested)
        {
            var next = kept ? "what arrived is kept, so asking for the download again resumes it" : "nothing was kept";
            throw new TransferException($"{what} of {Describe(url)} failed {options.MaxRetries + 1} times, last: {e.Message}; {next}", e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>The whole file in one stream, hashed as it arrives; a retry starts it over.</summary>
    private async Task<TransferResult> OneStreamAsync(TransferRequest request, long? size, Action<long> progress, CancellationToken cancellationToken)
    {
        Discard(request.TargetPath);
        EnsureRoom(request.TargetPath, size ?? 0);
        var fetched = 0L;
        try
        {
            return await WithRetriesAsync(request.Url, "the whole file", async token =>
            {
                var (length, sha256) = await StreamAsync(request, size, read =>
                {
                    fetched += read;
                    progress(read);
                }, token);
                return Finish(request, length, sha256, fetched);
            }, kept: false, cancellationToken);
        }
        catch (TransferException)
        {
            Discard(request.TargetPath);
            throw;
        }
    }

    /// <summary>One try of the whole file into the partial file: its length and sha256.</summary>
    private async Task<(long Length, string Sha256)> StreamAsync(TransferRequest request, long? size, Action<int> written, CancellationToken cancellationToken)
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
            await using (var file = new FileStream(request.TargetPath + ".partial", FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.None))
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
                        written(read);
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

            return (length, Convert.ToHexStringLower(sha256.GetHashAndReset()));
        }
        catch (OperationCanceledException) when (stall.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no bytes for {options.StallTimeout.TotalSeconds:0.#} s");
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

        var message = $"{Describe(url)} responded {status} {response.ReasonPhrase}";
        // Busy or failing servers may recover; a refusal or a missing file will not.
        throw status is 408 or 429 or >= 500 ? new HttpRequestException(message) : new TransferException(message);
    }

    /// <summary>The URL without its query, which for signed CDN links holds credentials.</summary>
    private static string Describe(Uri url) => url.GetLeftPart(UriPartial.Path);

    private sealed record Probe(long? Size, bool Ranges, EntityTagHeaderValue? ETag);

    private sealed class SourceChangedException : Exception;

}
