using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using Yarp.ReverseProxy.Forwarder;

namespace Lamina.Gateway.Routing;

/// <summary>
/// The gateway's one way to a model's backend: YARP's forwarder for the clients' model requests, which streams the
/// response back unbuffered, and the same pooled connections for the requests the gateway sends itself (a stream that
/// began while its model loaded, Ollama's translation).
/// </summary>
public sealed class BackendForwarder(IHttpForwarder forwarder) : IDisposable
{
    private static readonly ForwarderRequestConfig RequestConfig = new()
    {
        // Idle time, reset by every byte: a request that is not streamed gets nothing back until its whole generation
        // ends, which on a CPU can take many minutes. The client's leaving is what ends a generation early.
        ActivityTimeout = TimeSpan.FromMinutes(30),
    };

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        // llama-server closes a connection idle for 5 s: letting it go a little before avoids sending into a closing socket.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(4),
        ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        ConnectTimeout = TimeSpan.FromSeconds(15),
    });

    /// <summary>
    /// Forwards <paramref name="context"/>'s request with <paramref name="body"/> (the body as read and checked) to
    /// <paramref name="endpoint"/>. Headers pass as they came but for the client's key, which is Lamina's and no
    /// backend's business. On an error before the response started, YARP has set a 502 and its error feature.
    /// </summary>
    public ValueTask<ForwarderError> ForwardAsync(HttpContext context, string endpoint, ReadOnlyMemory<byte> body)
    {
        // YARP sends the request's body stream: this one can be sent again, to where the model runs now.
        context.Request.Body = MemoryMarshal.TryGetArray(body, out var bytes)
            ? new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
        context.Request.ContentLength = body.Length;
        return forwarder.SendAsync(context, endpoint, _client, RequestConfig, WithoutClientKey.Instance);
    }

    /// <summary>
    /// Whether the last forward got nothing back: the backend refused the connection (it stopped since it was recorded),
    /// or closed it before any response (it died with the request, or closed a kept-alive connection as the request went
    /// out). The request may then go where the model runs now.
    /// </summary>
    public static bool NoResponse(HttpContext context) =>
        !context.Response.HasStarted
        && context.GetForwarderErrorFeature()?.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded }
            or HttpRequestException { InnerException: HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded } };

    /// <summary>Readies the response for another forward after <see cref="NoResponse"/>: YARP forwards only while the response is untouched.</summary>
    public static void ForgetFailure(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Features.Set<IForwarderErrorFeature>(null);
    }

    /// <summary>A request of the gateway's own to a backend, on the same pooled connections; it returns once the response's headers came.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _client.SendAsync(request, cancellationToken);

    public void Dispose() => _client.Dispose();

    private sealed class WithoutClientKey : HttpTransformer
    {
        public static readonly WithoutClientKey Instance = new();

        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.Authorization = null;
            proxyRequest.Headers.Host = null;
        }
    }
}
