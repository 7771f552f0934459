using System.Text.Json;
using Lamina.Gateway.Routing;
using Lamina.Gateway.Telemetry;

namespace Lamina.Gateway.OpenAi;

/// <summary>
/// A streaming request for a model that is not running. A start that settles within one keep-alive interval
/// (a model that loads fast, or one the Runner refuses at once: unknown, not downloaded) gets its response like any
/// request, a refusal with its own status. A longer one starts the response: SSE comments while the model loads,
/// so clients and proxies do not give up, then the backend's stream byte for byte, or an error event when the
/// start fails after all.
/// </summary>
public static class StartingStream
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>The least time a start has to settle before the response begins: a Runner refuses within it even on a busy machine.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    /// <summary>True when <paramref name="start"/> settles before the first keep-alive comment would be due (not before a second).</summary>
    public static async Task<bool> SettlesQuietlyAsync(Task<RouteResult> start, TimeSpan keepAlive, CancellationToken cancellationToken)
    {
        if (!start.IsCompleted)
        {
            await Task.WhenAny(start, Task.Delay(keepAlive > Quiet ? keepAlive : Quiet, cancellationToken));
        }

        return start.IsCompleted;
    }

    public static async Task ForwardAsync(
        HttpContext context, string model, OpenAiRequest request, Task<RouteResult> start, BackendForwarder backends, GatewayOptions options)
    {
        var response = context.Response;
        var aborted = context.RequestAborted;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        do
        {
            await response.WriteAsync($": loading model '{model}'\n\n", aborted);
            await response.Body.FlushAsync(aborted);
        }
        while (await Task.WhenAny(start, Task.Delay(options.StreamKeepAlive, aborted)) != start);

        RouteResult route;
        try
        {
            route = await start;
        }
        catch (TimeoutException e)
        {
            await ErrorAsync(response, 503, $"{e.Message}; it goes on loading, try again soon", "model_loading", aborted);
            return;
        }

        if (route.Endpoint is null)
        {
            var refused = OpenAiRefusal.Of(model, route);
            await ErrorAsync(response, refused.StatusCode ?? 502, refused.Value!.Error.Message, refused.Value.Error.Code ?? "backend_failed", aborted);
            return;
        }

        ModelRequestMetering.Served(context, model, route.Backend);
        using var upstream = new HttpRequestMessage(HttpMethod.Post, route.Endpoint + context.Request.Path)
        {
            Content = new ReadOnlyMemoryContent(request.BodyFor(model, route)),
        };
        upstream.Content.Headers.ContentType = new("application/json");
        using var backendResponse = await backends.SendAsync(upstream, aborted);
        if (!backendResponse.IsSuccessStatusCode)
        {
            var detail = await backendResponse.Content.ReadAsStringAsync(aborted);
            await ErrorAsync(response, (int)backendResponse.StatusCode, $"the backend of model '{model}' responded {(int)backendResponse.StatusCode}: {detail}", "backend_failed", aborted);
            return;
        }

        await using var stream = await backendResponse.Content.ReadAsStreamAsync(aborted);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, aborted)) > 0)
        {
            await response.Body.WriteAsync(buffer.AsMemory(0, read), aborted);
            await response.Body.FlushAsync(aborted);
        }
    }

    /// <summary>An error in the stream itself, as OpenAI sends one once a stream has begun.</summary>
    private static async Task ErrorAsync(HttpResponse response, int status, string message, string code, CancellationToken cancellationToken)
    {
        var error = new OpenAiError(new OpenAiError.Detail(message, OpenAiError.TypeOf(status), code));
        await response.WriteAsync($"data: {JsonSerializer.Serialize(error)}\n\n", cancellationToken);
        await response.Body.WriteAsync(Done, cancellationToken);
    }
}
