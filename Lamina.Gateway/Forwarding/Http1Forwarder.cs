using System.Net.Sockets;
using Yarp.ReverseProxy.Forwarder;

namespace Lamina.Gateway.Forwarding;

/// <summary>
/// Forwards a model request to its backend over pooled HTTP/1.1 connections of its own, and streams the answer back
/// as it comes. Every backend Lamina runs speaks HTTP/1.1 on loopback, and a proxied request is the gateway's hot path:
/// YARP's forwarder on HttpClient cost about twice this in CPU, and the whole gateway a quarter more per request (c=16:
/// ~260 against ~190 µs), which on a CPU-bound machine is time taken from generation. A client that leaves closes the
/// backend's connection, which is how llama.cpp and the engine learn to stop.
/// </summary>
public sealed partial class Http1Forwarder(BackendConnections connections, ILogger<Http1Forwarder> logger)
{
    /// <summary>
    /// Forwards <paramref name="context"/>'s request, whose body must be buffered (seekable), to <paramref name="endpoint"/>
    /// (<c>http://host:port</c>). <see cref="ForwarderError.Request"/> means nothing reached the backend, so it may be tried elsewhere.
    /// </summary>
    public async Task<ForwarderError> ForwardAsync(HttpContext context, string endpoint)
    {
        var request = context.Request;
        var aborted = context.RequestAborted;
        var body = request.Body;
        using var head = RequestHead.Of(request, connections.HostOf(endpoint), body.Length);
        var small = body.Length <= 8192;
        if (small)
        {
            body.Position = 0;
            await body.ReadExactlyAsync(head.Room((int)body.Length), aborted);
            head.Advance((int)body.Length);
        }

        for (var fresh = false; ; fresh = true)
        {
            BackendConnection connection;
            try
            {
                connection = await connections.RentAsync(endpoint, fresh, aborted);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                return aborted.IsCancellationRequested ? ForwarderError.RequestCanceled : Failed(endpoint, ForwarderError.Request, e);
            }

            var outcome = await ExchangeAsync(context, connection, endpoint, head, small ? null : body);
            if (outcome is not Outcome.Stale)
            {
                return outcome switch
                {
                    Outcome.Done => ForwarderError.None,
                    Outcome.ClientLeft => ForwarderError.RequestCanceled,
                    Outcome.NoAnswer => ForwarderError.Request,
                    Outcome.BrokenHead => ForwarderError.ResponseHeaders,
                    _ => ForwarderError.ResponseBodyDestination,
                };
            }
        }
    }

    private async Task<Outcome> ExchangeAsync(HttpContext context, BackendConnection connection, string endpoint, RequestHead head, Stream? body)
    {
        var aborted = context.RequestAborted;
        var headRead = false;
        var registration = aborted.UnsafeRegister(static c => ((BackendConnection)c!).Dispose(), connection);
        connection.BeginExchange();
        try
        {
            await connection.SendAsync(head.Bytes);
            if (body is not null)
            {
                body.Position = 0;
                var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
                try
                {
                    int read;
                    while ((read = await body.ReadAsync(chunk, aborted)) > 0)
                    {
                        await connection.SendAsync(chunk.AsMemory(0, read));
                    }
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
                }
            }

            var (status, framing, headEnd) = await ReadHeadAsync(connection, context.Response);
            headRead = true;
            connection.Start = headEnd;
            context.Response.StatusCode = status;
            var keep = HttpMethods.IsHead(context.Request.Method) || status is 204 or 304
                ? framing.KeepAlive
                : await ResponseBody.CopyAsync(connection, framing, context.Response.Body, aborted) && framing.KeepAlive;
            if (registration.Unregister() && keep && connection.Start == connection.End)
            {
                connections.Return(endpoint, connection);
            }
            else
            {
                connection.Dispose();
            }

            return Outcome.Done;
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or InvalidDataException or OperationCanceledException)
        {
            registration.Dispose();
            connection.Dispose();
            if (aborted.IsCancellationRequested)
            {
                return Outcome.ClientLeft;
            }

            if (!context.Response.HasStarted)
            {
                // The backend's status and headers, if they came, must not stay on a response the caller answers itself.
                context.Response.Clear();
                // A kept-alive connection the backend closed while idle: the request never reached it, so it goes again on a new one.
                if (connection.Reused && !connection.Answered)
                {
                    return Outcome.Stale;
                }
            }

            Failed(endpoint, headRead ? ForwarderError.ResponseBodyDestination : ForwarderError.ResponseHeaders, e);
            if (context.Response.HasStarted)
            {
                // The client must see a cut answer as cut, not as one that ended.
                context.Abort();
                return Outcome.CutBody;
            }

            return connection.Answered ? Outcome.BrokenHead : Outcome.NoAnswer;
        }
    }

    private static async Task<(int Status, BodyFraming Framing, int HeadEnd)> ReadHeadAsync(BackendConnection connection, HttpResponse response)
    {
        while (true)
        {
            int end;
            while ((end = connection.Unread.IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (await connection.FillAsync() == 0)
                {
                    throw new IOException(!connection.Answered ? "the backend closed the connection without answering" : "the backend closed the connection in the middle of its answer's headers");
                }
            }

            if (!ResponseHead.TryApply(connection.Unread[..end], response, out var status, out var framing, out var problem))
            {
                throw new InvalidDataException(problem);
            }

            var headEnd = connection.Start + end + 4;
            if (status is >= 100 and < 200)
            {
                // An interim answer (100 Continue, 103 Early Hints): the final one follows.
                response.Headers.Clear();
                connection.Start = headEnd;
                continue;
            }

            return (status, framing, headEnd);
        }
    }

    private ForwarderError Failed(string endpoint, ForwarderError error, Exception e)
    {
        LogFailed(logger, endpoint, error, e.Message);
        return error;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to the backend at {Endpoint} failed ({Error}): {Reason}")]
    private static partial void LogFailed(ILogger logger, string endpoint, ForwarderError error, string reason);

    private enum Outcome
    {
        Done,
        Stale,
        ClientLeft,
        NoAnswer,
        BrokenHead,
        CutBody,
    }
}
