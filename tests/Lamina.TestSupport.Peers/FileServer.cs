using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Lamina.TestSupport.Peers;

/// <summary>
/// A CDN-like HTTP server for registered content: GET and HEAD, single byte ranges, If-Range, validators,
/// and faults on demand through <see cref="Faults"/>.
/// </summary>
public sealed class FileServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FileEntry> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string?> _ranges = new();
    private PeerHost? _host;
    private long _bytesSent;
    private int _getRequests;

    private FileServer()
    {
    }

    /// <summary>Where the server listens, ending with a slash.</summary>
    public Uri BaseAddress => Host.BaseAddress;

    /// <summary>Faults applied to the responses from now on.</summary>
    public FileFaults Faults { get; } = new();

    /// <summary>Body bytes written to clients, over all responses.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>GET requests received, whatever their answer.</summary>
    public int GetRequests => Volatile.Read(ref _getRequests);

    /// <summary>The <c>Range</c> header of each GET request in arrival order, null where there was none.</summary>
    public IReadOnlyList<string?> Ranges => [.. _ranges];

    private PeerHost Host => _host ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Starts a server on a free loopback port.</summary>
    public static async Task<FileServer> StartAsync()
    {
        var server = new FileServer();
        server._host = await PeerHost.StartAsync(app => app.Run(server.ServeAsync));
        return server;
    }

    /// <summary>Serves <paramref name="content"/> at <paramref name="path"/> (leading slash optional).</summary>
    public void Add(string path, byte[] content) => _files[Normalize(path)] = FileEntry.FromBytes(content);

    /// <summary>Serves the file at <paramref name="filePath"/>, read from disk per request, at <paramref name="path"/>.</summary>
    public void AddFile(string path, string filePath) => _files[Normalize(path)] = FileEntry.FromDisk(filePath);

    /// <summary>The absolute URL of <paramref name="path"/> on this server.</summary>
    public Uri UrlOf(string path) => new(BaseAddress, Normalize(path)[1..]);

    /// <summary>Zeroes <see cref="BytesSent"/> and <see cref="GetRequests"/> and empties <see cref="Ranges"/>.</summary>
    public void ResetCounters()
    {
        Interlocked.Exchange(ref _bytesSent, 0);
        Interlocked.Exchange(ref _getRequests, 0);
        _ranges.Clear();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _host?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static string Normalize(string path) => path.StartsWith('/') ? path : "/" + path;

    private async Task ServeAsync(HttpContext context)
    {
        var (request, response) = (context.Request, context.Response);
        var isGet = HttpMethods.IsGet(request.Method);
        if (isGet)
        {
            Interlocked.Increment(ref _getRequests);
            _ranges.Enqueue(request.Headers.Range.Count == 0 ? null : request.Headers.Range.ToString());
        }
        if (Faults.FailStatus is { } status)
        {
            response.StatusCode = status;
            return;
        }
        if (!isGet && !HttpMethods.IsHead(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            return;
        }
        if (!_files.TryGetValue(request.Path.Value ?? "/", out var entry))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var noRange = Faults.NoRange;
        response.ContentType = "application/octet-stream";
        response.Headers.ETag = entry.ETag;
        response.Headers.LastModified = HeaderUtilities.FormatDate(entry.LastModified);
        if (!noRange)
            response.Headers.AcceptRanges = "bytes";
        var range = noRange ? null : RangeRequest.Read(request, entry.Length, entry.ETag, entry.LastModified);
        if (range is { IsUnsatisfiable: true })
        {
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            response.Headers.ContentRange = $"bytes */{entry.Length}";
            return;
        }
        if (range is not null)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = range.Value.ContentRange(entry.Length);
        }
        var body = range ?? new ByteRange(0, entry.Length);
        response.ContentLength = body.Length;
        if (isGet)
            await ResponseBody.SendAsync(context, entry, body, Faults, n => Interlocked.Add(ref _bytesSent, n), Host.Stopping);
    }
}
