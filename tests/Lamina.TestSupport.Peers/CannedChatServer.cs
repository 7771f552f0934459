using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Lamina.TestSupport.Peers;

/// <summary>
/// An OpenAI-like chat server that answers every <c>POST /v1/chat/completions</c> with the same small completion,
/// or, when the body sets <c>"stream": true</c>, the same few server-sent chunks ending <c>data: [DONE]</c>, each
/// flushed: an upstream that costs next to nothing, so what a proxy in front of it adds shows.
/// </summary>
public sealed class CannedChatServer : IAsyncDisposable
{
    private static readonly byte[] Completion =
        """{"id":"chatcmpl-canned","object":"chat.completion","created":0,"model":"canned","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"""u8.ToArray();

    private static readonly byte[][] Events =
    [
        Chunk("""{"role":"assistant","content":""}""", "null"),
        Chunk("""{"content":"Hello"}""", "null"),
        Chunk("""{"content":" there"}""", "null"),
        Chunk("{}", "\"stop\""),
        "data: [DONE]\n\n"u8.ToArray(),
    ];

    private readonly TimeSpan _pause;
    private PeerHost? _host;
    private int _open;
    private int _peakOpen;

    private CannedChatServer(TimeSpan pause) => _pause = pause;

    /// <summary>Where the server listens, ending with a slash.</summary>
    public Uri BaseAddress => Host.BaseAddress;

    /// <summary>The most streams that were being answered at one time.</summary>
    public int PeakOpenStreams => Volatile.Read(ref _peakOpen);

    private PeerHost Host => _host ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Starts a server on a free loopback port that waits <paramref name="pauseBetweenEvents"/> before each streamed event after the first.</summary>
    public static async Task<CannedChatServer> StartAsync(TimeSpan pauseBetweenEvents = default)
    {
        var server = new CannedChatServer(pauseBetweenEvents);
        server._host = await PeerHost.StartAsync(app => app.Run(server.AnswerAsync));
        return server;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _host?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static byte[] Chunk(string delta, string finishReason) => System.Text.Encoding.UTF8.GetBytes(
        $$"""data: {"id":"chatcmpl-canned","object":"chat.completion.chunk","created":0,"model":"canned","choices":[{"index":0,"delta":{{delta}},"finish_reason":{{finishReason}}}]}""" + "\n\n");

    private async Task AnswerAsync(HttpContext context)
    {
        var (request, response) = (context.Request, context.Response);
        if (!HttpMethods.IsPost(request.Method) || request.Path != "/v1/chat/completions")
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        bool stream;
        using (var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: context.RequestAborted))
        {
            stream = body.RootElement.TryGetProperty("stream", out var value) && value.ValueKind == JsonValueKind.True;
        }

        if (!stream)
        {
            response.ContentType = "application/json";
            response.ContentLength = Completion.Length;
            await response.Body.WriteAsync(Completion, context.RequestAborted);
            return;
        }

        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var open = Interlocked.Increment(ref _open);
        InterlockedMax(ref _peakOpen, open);
        try
        {
            using var ended = _pause > TimeSpan.Zero ? CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, Host.Stopping) : null;
            for (var i = 0; i < Events.Length; i++)
            {
                if (i > 0 && ended is not null)
                {
                    await Task.Delay(_pause, ended.Token);
                }

                await response.Body.WriteAsync(Events[i], context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private static void InterlockedMax(ref int location, int value)
    {
        var seen = Volatile.Read(ref location);
        while (value > seen && Interlocked.CompareExchange(ref location, value, seen) is var now && now != seen)
        {
            seen = now;
        }
    }
}
