using System.Threading.Channels;
using Lamina.Gateway.Forwarding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Yarp.ReverseProxy.Forwarder;

namespace Lamina.Gateway.Tests.Forwarding;

/// <summary>
/// A Kestrel server on loopback that forwards every request to one backend through <see cref="Http1Forwarder"/>,
/// as the gateway does once it knows where a model runs: the body buffered first, a 502 for a failure before any answer.
/// </summary>
public sealed class ForwardingFront : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly BackendConnections _connections = new();
    private readonly Channel<ForwarderError> _outcomes = Channel.CreateUnbounded<ForwarderError>();

    private ForwardingFront(string endpoint)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        var forwarder = new Http1Forwarder(_connections, NullLogger<Http1Forwarder>.Instance);
        _app.Run(async context =>
        {
            context.Request.EnableBuffering();
            await context.Request.Body.CopyToAsync(Stream.Null);
            var outcome = await forwarder.ForwardAsync(context, endpoint);
            if (outcome is not ForwarderError.None && !context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
            }

            await _outcomes.Writer.WriteAsync(outcome);
        });
    }

    public HttpClient Client { get; private set; } = null!;

    public static async Task<ForwardingFront> StartAsync(string endpoint)
    {
        var front = new ForwardingFront(endpoint);
        await front._app.StartAsync();
        front.Client = new HttpClient { BaseAddress = new Uri(front._app.Urls.Single()) };
        return front;
    }

    /// <summary>What the forwarder returned for the next request to finish.</summary>
    public async Task<ForwarderError> OutcomeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _outcomes.Reader.ReadAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        _connections.Dispose();
    }
}
