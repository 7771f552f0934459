using System.Diagnostics;
using System.Net;
using System.Text;
using Yarp.ReverseProxy.Forwarder;

namespace Lamina.Gateway.Tests.Forwarding;

public sealed class BackendForwarderTests
{
    private const string Sse = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

    [Fact]
    public async Task AChunkedResponseReachesTheClientAsItsDataEachChunkWhenItArrives()
    {
        var firstSeen = new TaskCompletionSource();
        await using var backend = new ScriptedBackend(async side =>
        {
            await side.ReadRequestAsync();
            await side.SendAsync(Sse + "b\r\ndata: one\n\n\r\n");
            // The next chunk waits until the client has the first: nothing may sit in a buffer between them.
            await firstSeen.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await side.SendAsync("B;name=value\r\ndata: two\n\n\r\n");
            await side.SendAsync("e\r\ndata: [DONE]\n\n\r\n0\r\nX-Trailer: t\r\n\r\n");
        });
        await using var front = await ForwardingFront.StartAsync(backend.Endpoint);

        using var response = await SendAsync(front, "{\"stream\":true}");
        await using var stream = await response.Content.ReadAsStreamAsync();
        var first = new byte[11];
        await stream.ReadExactlyAsync(first);
        firstSeen.SetResult();
        var rest = await new StreamReader(stream).ReadToEndAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("data: one\n\ndata: two\n\ndata: [DONE]\n\n", Encoding.UTF8.GetString(first) + rest);
        Assert.Equal(ForwarderError.None, await front.OutcomeAsync());
    }

    [Fact]
    public async Task ALengthFramedResponseKeepsItsStatusHeadersAndLengthButNotTheHopByHopHeaders()
    {
        await using var backend = new ScriptedBackend(async side =>
        {
            await side.ReadRequestAsync();
            await side.SendAsync("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Backend: llama\r\nKeep-Alive: timeout=5\r\nConnection: keep-alive\r\nContent-Length: 10\r\n\r\n{\"a\":");
            await Task.Delay(50);
            await side.SendAsync("\"bc\"}");
        });
        await using var front = await ForwardingFront.StartAsync(backend.Endpoint);

        using var response = await SendAsync(front, "{}");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("llama", Assert.Single(response.Headers.GetValues("X-Backend")));
        Assert.False(response.Headers.Contains("Keep-Alive"));
        Assert.Equal(10, response.Content.Headers.ContentLength);
        Assert.Equal("{\"a\":\"bc\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheRequestArrivesWhole_WithoutTheClientsKeyOrHopByHopHeaders_AndInsideTheCallersTrace()
    {
        var received = new TaskCompletionSource<string>();
        await using var backend = new ScriptedBackend(async side =>
        {
            received.SetResult(await side.ReadRequestAsync());
            await side.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
        });
        await using var front = await ForwardingFront.StartAsync(backend.Endpoint);
        // As the gateway's tracing does: the server opens a span for each request.
        using var tracing = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(tracing);
        var body = "{\"messages\":\"" + new string('x', 20_000) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions?q=1") { Content = Json(body) };
        request.Headers.Authorization = new("Bearer", "sk-client");
        request.Headers.Add("X-Client", "kept");
        request.Headers.TryAddWithoutValidation("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        using var response = await front.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, await received.Task);
        var head = Assert.Single(backend.Heads);
        Assert.StartsWith("POST /v1/chat/completions?q=1 HTTP/1.1\r\n", head);
        Assert.Contains($"\r\nHost: {new Uri(backend.Endpoint).Authority}\r\n", head);
        Assert.Contains("\r\nX-Client: kept", head);
        Assert.Contains("\r\nContent-Type: application/json", head);
        Assert.DoesNotContain("sk-client", head);
        Assert.DoesNotContain("Authorization", head, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\r\nConnection:", head, StringComparison.OrdinalIgnoreCase);
        // The front's own span is the backend's parent: same trace, not the client's span id.
        Assert.Contains("\r\ntraceparent: 00-0af7651916cd43dd8448eb211c80319c-", head);
        Assert.DoesNotContain("b7ad6b7169203331", head);
    }

    [Fact]
    public async Task AKeptConnectionTheBackendClosedAsTheRequestCameIsReplacedWithoutTheClientNoticing()
    {
        await using var backend = new ScriptedBackend(
            async side =>
            {
                await side.ReadRequestAsync();
                await side.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
                // An idle timeout that fires as the next request arrives: read, then close unanswered.
                await side.ReadRequestAsync();
                await side.CloseAsync();
            },
            async side =>
            {
                await side.ReadRequestAsync();
                await side.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");
            });
        await using var front = await ForwardingFront.StartAsync(backend.Endpoint);

        using var first = await SendAsync(front, "{}");
        Assert.Equal("first", await first.Content.ReadAsStringAsync());
        Assert.Equal(ForwarderError.None, await front.OutcomeAsync());
        using var second = await SendAsync(front, "{}");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("second", await second.Content.ReadAsStringAsync());
        Assert.Equal(ForwarderError.None, await front.OutcomeAsync());
        Assert.True(front.LastGotNoResponse);
        Assert.Equal(2, backend.Connections);
        Assert.Equal(3, backend.Heads.Count);
    }

    [Fact]
    public async Task ConnectionsAreKeptAliveBetweenRequests()
    {
        await using var backend = new ScriptedBackend(async side =>
        {
            for (var i = 0; i < 3; i++)
            {
                await side.ReadRequestAsync();
                await side.SendAsync($"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{i}\r\n0\r\n\r\n");
            }
        });
        await using var front = await ForwardingFront.StartAsync(backend.Endpoint);

        var bodies = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await SendAsync(front, "{}");
            bodies.Add(await response.Content.ReadAsStringAsync());
            Assert.Equal(ForwarderError.None, await front.OutcomeAsync());
        }

        Assert.Equal(["0", "1", "2"], bodies);
        Assert.Equal(1, backend.Connections);
    }

    [Fact]
    public async Task AnInterimResponseIsSkippedAndAResponseEndedByCloseIsPassedWhole()
    {
        await using var backend = new ScriptedBackend(async side =>
        {
            await side.ReadRequestAsync();
            await side.SendAsync("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it");
            await side.CloseAsync();
        });
        await using var front = await ForwardingFront.StartAsync(backend.Endpoint);

        using var response = await SendAsync(front, "{}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("all of it", await response.Content.ReadAsStringAsync());
        Assert.Equal(ForwarderError.None, await front.OutcomeAsync());
    }

    [Fact]
    public async Task AResponseCutInItsBodyIsCutForTheClientToo()
    {
        await using var backend = new ScriptedBackend(async side =>
        {
            await side.ReadRequestAsync();
            await side.SendAsync(Sse + "b\r\ndata: one\n\n\r\n");
            await side.CloseAsync();
        });
        await using var front = await ForwardingFront.StartAsync(backend.Endpoint);

        // Not a clean end: the client must not take half a response for a whole one. The cut may reach it before
        // the head does (an aborted connection drops what was not sent yet), or in the body.
        await Assert.ThrowsAnyAsync<HttpRequestException>(async () =>
        {
            using var response = await SendAsync(front, "{}");
            await response.Content.ReadAsStringAsync();
        });
        Assert.Equal(ForwarderError.ResponseBodyDestination, await front.OutcomeAsync());
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 12\r\n\r\nok")]
    public async Task AResponseThatIsNotHttpBecomesABadGatewayAndNothingOfItReachesTheClient(string malformed)
    {
        await using var backend = new ScriptedBackend(async side =>
        {
            await side.ReadRequestAsync();
            await side.SendAsync(malformed);
            await side.ClosedByGatewayAsync(TimeSpan.FromSeconds(10));
        });
        await using var front = await ForwardingFront.StartAsync(backend.Endpoint);

        using var response = await SendAsync(front, "{}");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.NotEqual(ForwarderError.None, await front.OutcomeAsync());
        Assert.False(front.LastGotNoResponse);
    }

    [Fact]
    public async Task AResponseThatEndsBeforeItsBodyIsABadGatewayWithoutAnyOfTheBackendsHeaders()
    {
        await using var backend = new ScriptedBackend(async side =>
        {
            await side.ReadRequestAsync();
            await side.SendAsync("HTTP/1.1 200 OK\r\nX-Backend: llama\r\nContent-Length: 100\r\n\r\n");
            await side.CloseAsync();
        });
        await using var front = await ForwardingFront.StartAsync(backend.Endpoint);

        using var response = await SendAsync(front, "{}");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Backend"));
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Equal(ForwarderError.ResponseBodyDestination, await front.OutcomeAsync());
    }

    [Fact]
    public async Task ABackendThatIsGoneIsARequestErrorSoTheModelCanBeTriedWhereItRunsNow()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();
        await using var front = await ForwardingFront.StartAsync(endpoint);

        using var response = await SendAsync(front, "{}");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(ForwarderError.Request, await front.OutcomeAsync());
        Assert.True(front.LastGotNoResponse);
    }

    [Fact]
    public async Task AClientThatLeavesClosesTheBackendsConnectionAtOnce()
    {
        var closed = new TaskCompletionSource<bool>();
        await using var backend = new ScriptedBackend(async side =>
        {
            await side.ReadRequestAsync();
            await side.SendAsync(Sse + "b\r\ndata: one\n\n\r\n");
            closed.SetResult(await side.ClosedByGatewayAsync(TimeSpan.FromSeconds(10)));
        });
        await using var front = await ForwardingFront.StartAsync(backend.Endpoint);

        var response = await SendAsync(front, "{\"stream\":true}");
        var stream = await response.Content.ReadAsStreamAsync();
        await stream.ReadExactlyAsync(new byte[11]);
        var left = Stopwatch.StartNew();
        response.Dispose();

        Assert.True(await closed.Task, "the backend's connection stayed open after the client left");
        Assert.True(left.Elapsed < TimeSpan.FromSeconds(5), $"{left.Elapsed}");
        Assert.Equal(ForwarderError.ResponseBodyCanceled, await front.OutcomeAsync());
    }

    private static Task<HttpResponseMessage> SendAsync(ForwardingFront front, string body) =>
        front.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json(body) }, HttpCompletionOption.ResponseHeadersRead);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
