using System.Text;
using System.Text.Json.Nodes;
using Lamina.Gateway.OpenAi;
using Lamina.Gateway.Routing;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Lamina.Gateway.Tests;

public sealed class StartingStreamTests
{
    private static readonly GatewayOptions Options = new() { StreamKeepAlive = TimeSpan.FromMilliseconds(50) };

    [Fact]
    public async Task AStartThatFailsAfterTheStreamBeganEndsItWithAnErrorEventInOpenAisShape()
    {
        var start = LaterAsync(() => new RouteResult(null, 502, "the backend of 'tiny' exited while loading (code 3)"));

        var stream = await ForwardAsync(start);

        // At least the comment that began the stream (how many more depends on timers on a busy machine).
        Assert.StartsWith(": loading model 'tiny'\n\n", stream);
        Assert.EndsWith("data: [DONE]\n\n", stream);
        var error = JsonNode.Parse(stream.Split("data: ")[1])!["error"]!;
        Assert.Equal("the backend of 'tiny' exited while loading (code 3)", error["message"]!.GetValue<string>());
        Assert.Equal("server_error", error["type"]!.GetValue<string>());
        Assert.Equal("backend_failed", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task AStartPastTheStartTimeoutEndsTheStreamSayingTheModelGoesOnLoading()
    {
        var start = LaterAsync<RouteResult>(() => throw new TimeoutException("model 'tiny' is still loading after 600 s (Lamina:Gateway:StartTimeout)"));

        var stream = await ForwardAsync(start);

        var error = JsonNode.Parse(stream.Split("data: ")[1])!["error"]!;
        Assert.Equal("model 'tiny' is still loading after 600 s (Lamina:Gateway:StartTimeout); it goes on loading, try again soon", error["message"]!.GetValue<string>());
        Assert.Equal("model_loading", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task AStartThatSettlesWithinOneKeepAliveIsAnsweredLikeAnyRequest()
    {
        var refused = Task.FromResult(new RouteResult(null, 404, "not in models.yaml"));
        // A start still loading: one that ended a little later raced the wait's own timer on a busy machine.
        var loading = new TaskCompletionSource<RouteResult>().Task;

        Assert.True(await StartingStream.SettlesQuietlyAsync(refused, Options.StreamKeepAlive, CancellationToken.None));
        Assert.False(await StartingStream.SettlesQuietlyAsync(loading, Options.StreamKeepAlive, CancellationToken.None));
    }

    /// <summary>A start that settles after three keep-alive intervals.</summary>
    private static async Task<T> LaterAsync<T>(Func<T> outcome)
    {
        await Task.Delay(3 * Options.StreamKeepAlive);
        return outcome();
    }

    private static async Task<string> ForwardAsync(Task<RouteResult> start)
    {
        var context = new DefaultHttpContext();
        using var sink = new MemoryStream();
        context.Response.Body = sink;
        using var backends = new BackendForwarder(new NoForwarder());

        await StartingStream.ForwardAsync(context, "tiny", new OpenAiRequest("tiny", Stream: true, KeepAlive: null), start, backends, Options);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal("text/event-stream", context.Response.ContentType);
        return Encoding.UTF8.GetString(sink.ToArray());
    }

    /// <summary>A failed start never reaches a backend.</summary>
    private sealed class NoForwarder : IHttpForwarder
    {
        public ValueTask<ForwarderError> SendAsync(HttpContext context, string destinationPrefix, HttpMessageInvoker httpClient, ForwarderRequestConfig requestConfig, HttpTransformer transformer) =>
            throw new InvalidOperationException("a failed start must not forward");
    }
}
