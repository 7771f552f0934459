using System.Diagnostics;

namespace Lamina.Gateway.Telemetry;

/// <summary>
/// Measures every model request of either API family (OpenAI's <c>/v1</c>, Ollama's <c>/api</c>):
/// tags on its server span, time to first token, tokens in and out, tokens per second and status. The
/// handlers say which model and backend served it through <see cref="Served"/>.
/// </summary>
public sealed class ModelRequestMetering(RequestDelegate next, GatewayMetrics metrics)
{
    private static readonly string[] Metered =
        ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/api/chat", "/api/generate", "/api/embed", "/api/embeddings"];

    /// <summary>Tells the metering which model and backend respond to this request.</summary>
    public static void Served(HttpContext context, string model, string? backend)
    {
        context.Items[ModelKey] = model;
        context.Items[BackendKey] = backend;
        // An activity the sampler left out only carries the trace context: tags on it would be work for nothing.
        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("lamina.model", model).SetTag("lamina.backend", backend);
        }
    }

    private const string ModelKey = "lamina.model";
    private const string BackendKey = "lamina.backend";

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        var api = path is null || !HttpMethods.IsPost(context.Request.Method) ? null
            : path.StartsWith("/chat/", StringComparison.Ordinal) ? "/chat/{name}"
            : Array.Find(Metered, metered => path == metered);
        if (api is null)
        {
            await next(context);
            return;
        }

        // The server's own span for the request carries the model's tags: a span of our own beside it cost a tenth of a proxied request.
        var activity = Activity.Current is { IsAllDataRequested: true } recorded ? recorded : null;
        var startedAt = Stopwatch.GetTimestamp();
        var original = context.Response.Body;
        using var body = new MeteredBody(original, startedAt);
        context.Response.Body = body;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
            var (prompt, completion) = body.Usage();
            var tally = new RequestTally(
                context.Items[ModelKey] as string ?? "unknown", context.Items[BackendKey] as string, api.StartsWith("/v1", StringComparison.Ordinal) ? "openai" : api.StartsWith("/api", StringComparison.Ordinal) ? "ollama" : "lamina",
                context.RequestAborted.IsCancellationRequested ? 499 : context.Response.StatusCode, Stopwatch.GetElapsedTime(startedAt))
            {
                FirstToken = body.FirstByte,
                InputTokens = prompt,
                // The backend's own count, read from the body's tail rather than by parsing every chunk: Lamina's engine and llama.cpp
                // give it at every stream's end, vLLM and MLC when the client asks (stream_options.include_usage), as Ollama's routes do.
                OutputTokens = completion,
            };
            metrics.Record(tally);
            activity?.SetTag("http.response.status_code", tally.Status)
                .SetTag("lamina.tokens.input", tally.InputTokens)
                .SetTag("lamina.tokens.output", tally.OutputTokens)
                .SetTag("lamina.time_to_first_token_ms", tally.FirstToken?.TotalMilliseconds);
        }
    }
}
