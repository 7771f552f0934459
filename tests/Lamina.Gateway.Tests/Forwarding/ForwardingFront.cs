using System.Threading.Channels;
using Lamina.Gateway.OpenAi;
using Lamina.Gateway.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Forwarder;

namespace Lamina.Gateway.Tests.Forwarding;

/// <summary>
/// A Kestrel server on loopback that forwards every request to one backend through <see cref="BackendForwarder"/>,
/// as the gateway does once it knows where a model runs: the body read first, then YARP's forwarder, and once more
/// when nothing came back.
/// </summary>
public sealed class ForwardingFront : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ForwarderError> _outcomes = Channel.CreateUnbounded<ForwarderError>();

    private ForwardingFront(string endpoint)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<BackendForwarder>();
        _app = builder.Build();
        var forwarder = _app.Services.GetRequiredService<BackendForwarder>();
        _app.Run(async context =>
        {
            var body = await OpenAiRequest.ReadBodyAsync(context.Request, context.RequestAborted);
            var outcome = await forwarder.ForwardAsync(context, endpoint, body);
            LastGotNoResponse = BackendForwarder.NoResponse(context);
            if (LastGotNoResponse)
            {
                // As the gateway sends it once more where the Runner says the model runs: here, the same backend.
                BackendForwarder.ForgetFailure(context);
                outcome = await forwarder.ForwardAsync(context, endpoint, body);
            }

            await _outcomes.Writer.WriteAsync(outcome);
        });
    }

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Whether the last request got nothing back from its backend, which is what sends a request where its model runs now.</summary>
    public bool LastGotNoResponse { get; private set; }

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
    }
}
