using System.Globalization;
using System.Text.Json.Nodes;
using Lamina.Gateway.Routing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Lamina.Gateway.Ollama;

/// <summary>
/// What a chat, generate or embed goes through before its backend sees it: the Lamina model the
/// requested name means, a place in that model's queue (Lamina:Gateway:MaxConcurrentPerModel and
/// MaxQueuePerModel), then its backend, started if need be but waited for no longer than
/// Lamina:Gateway:StartTimeout, so a client hears that the model is still loading instead of hanging on.
/// </summary>
public sealed class OllamaAdmission(
    ModelRouter router, ModelAliases aliases, ModelGate gate, OllamaCatalog catalog, OllamaBackendClient backend, IOptions<GatewayOptions> options)
{
    /// <summary>
    /// The model and its backend, holding the request's place in the queue until disposed; or Ollama's error when it
    /// cannot be served now. A request that only loads the model (<paramref name="queued"/> false) takes no place.
    /// </summary>
    public async Task<(Admission? Admitted, JsonHttpResult<OllamaError>? Refusal)> EnterAsync(
        HttpResponse response, string requested, string? keepAlive, int? contextLength, bool queued, CancellationToken cancellationToken)
    {
        var model = await ModelAsync(requested, cancellationToken);
        // The place comes before the start: requests beyond the queue are turned away at once, not after the model has loaded.
        IDisposable? place = null;
        if (queued && (place = await gate.EnterAsync(model, cancellationToken)) is null)
        {
            response.Headers.RetryAfter = gate.RetryAfterSeconds(model).ToString(CultureInfo.InvariantCulture);
            return (null, OllamaError.Result(StatusCodes.Status429TooManyRequests,
                $"model \"{requested}\" has {options.Value.MaxQueuePerModel} requests waiting already (Lamina:Gateway:MaxQueuePerModel); retry after the Retry-After seconds"));
        }

        Admission? admitted = null;
        try
        {
            (admitted, var refusal) = await RouteAsync(
                model, requested, place, () => router.RouteWithinAsync(model, keepAlive, contextLength, options.Value.StartTimeout, cancellationToken));
            return (admitted, refusal);
        }
        finally
        {
            // The place goes with the admission; a request turned away gives it up at once.
            if (admitted is null)
            {
                place?.Dispose();
            }
        }
    }

    /// <summary>
    /// Posts to the admitted backend. When nothing could reach it (it stopped since it was recorded), asks the Runner
    /// once where the model runs now, as the OpenAI routes do, and posts there: the response, or Ollama's error.
    /// </summary>
    public async Task<(HttpResponseMessage? Response, JsonHttpResult<OllamaError>? Refusal)> PostAsync(
        Admission admitted, string requested, string? keepAlive, int? contextLength, string path, Func<RouteResult, JsonObject> body, CancellationToken cancellationToken)
    {
        try
        {
            return (await backend.PostAsync(admitted.Endpoint, path, body(admitted.Route), cancellationToken), null);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            var (again, refusal) = await RouteAsync(admitted.Model, requested, admitted.Place,
                () => router.RerouteAsync(admitted.Model, keepAlive, contextLength, options.Value.StartTimeout, cancellationToken));
            return again is null ? (null, refusal) : (await backend.PostAsync(again.Endpoint, path, body(again.Route), cancellationToken), null);
        }
    }

    private async Task<(Admission? Admitted, JsonHttpResult<OllamaError>? Refusal)> RouteAsync(
        string model, string requested, IDisposable? place, Func<Task<RouteResult>> route)
    {
        try
        {
            var found = await route();
            return found.Endpoint is { } endpoint ? (new Admission(model, endpoint, found, place), null) : (null, OllamaError.Refused(requested, found));
        }
        catch (TimeoutException)
        {
            return (null, OllamaError.Result(StatusCodes.Status503ServiceUnavailable,
                $"model \"{requested}\" is still loading after {options.Value.StartTimeout.TotalSeconds:0} s (Lamina:Gateway:StartTimeout); it goes on loading, try again soon"));
        }
    }

    /// <summary>The Lamina model a requested name means: a running one among the names it may mean, else one in the catalog.</summary>
    private async Task<string> ModelAsync(string requested, CancellationToken cancellationToken)
    {
        // A manifest alias (often the model's Ollama name) comes first, then the forms Ollama clients add.
        var candidates = OllamaNames.Candidates(requested).Select(aliases.Resolve).Distinct().ToList();
        if (candidates.Count == 1)
        {
            return candidates[0];
        }

        foreach (var candidate in candidates)
        {
            if (await router.FindReadyAsync(candidate) is not null)
            {
                return candidate;
            }
        }

        // None runs: the one the catalog has; else the Lamina form, which the Runner refuses as unknown.
        return (await catalog.FindAsync(requested, cancellationToken))?.Name ?? candidates[^1];
    }
}

/// <summary>A request let through to its model's backend at <paramref name="Endpoint"/>; disposing it gives up its place in the queue.</summary>
public sealed record Admission(string Model, string Endpoint, RouteResult Route, IDisposable? Place) : IDisposable
{
    public void Dispose() => Place?.Dispose();
}
