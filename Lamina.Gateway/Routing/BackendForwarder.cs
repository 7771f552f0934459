using System.Diagnostics;
using System.Net;
using Lamina.Gateway.Forwarding;
using Yarp.ReverseProxy.Forwarder;

namespace Lamina.Gateway.Routing;

/// <summary>Forwards a request to a model's backend and streams the answer back unbuffered.</summary>
public sealed class BackendForwarder(Http1Forwarder http1, IHttpForwarder forwarder) : IDisposable
{
    private static readonly ForwarderRequestConfig RequestConfig = new()
    {
        // A long generation is not a dead backend: the client's disconnect is what ends it.
        ActivityTimeout = TimeSpan.FromMinutes(30),
    };

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        ConnectTimeout = TimeSpan.FromSeconds(15),
    });

    /// <summary>
    /// Forwards a request whose body is buffered: over the gateway's own HTTP/1.1 connections to an <c>http://</c>
    /// backend (all that Lamina starts), through YARP to any other. Headers pass as they came but for the client's
    /// key, which is Lamina's and no backend's business.
    /// </summary>
    public ValueTask<ForwarderError> ForwardAsync(HttpContext context, string endpoint) =>
        endpoint.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            ? new(http1.ForwardAsync(context, endpoint))
            : forwarder.SendAsync(context, endpoint, _client, RequestConfig, WithoutClientKey.Instance);

    /// <summary>A request of the gateway's own to a backend, on the same pooled connections.</summary>
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
        }
    }
}
