using Lamina.Gateway.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Gateway.Ollama;

/// <summary>
/// Responds to Ollama's chat and generate from the model's OpenAI backend: starts the model if needed,
/// streams the backend's events back as NDJSON lines as they come (or gathers them into one
/// response), and ends the backend's request when the client goes.
/// </summary>
public sealed class GenerationRelay(
    OllamaAdmission admission, OllamaCatalog catalog, ModelRouter router, RunnerClient runner, TimeProvider time)
{
    public async Task<Results<EmptyHttpResult, Ok<OllamaReply>, JsonHttpResult<OllamaError>>> RelayAsync(
        HttpContext context, GenerationCall call, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var (admitted, refusal) = await admission.EnterAsync(context.Response, call.Requested, call.KeepAlive, call.ContextLength, queued: true, cancellationToken);
        if (admitted is null)
        {
            return refusal!;
        }

        using var place = admitted;
        var model = admitted.Model;
        Telemetry.ModelRequestMetering.Served(context, model, admitted.Route.Backend);
        var tally = new GenerationTally(time, started, time.GetElapsedTime(started));
        router.Began(model);
        try
        {
            var (sent, gone) = await admission.PostAsync(
                admitted, call.Requested, call.KeepAlive, call.ContextLength, call.Path, route => call.Body(route.ServedModel ?? model), cancellationToken);
            if (sent is null)
            {
                return gone!;
            }

            using var response = sent;
            if (!response.IsSuccessStatusCode)
            {
                var message = await OllamaBackendClient.ErrorMessageAsync(response, cancellationToken);
                return OllamaError.Result((int)response.StatusCode is >= 400 and < 500 and var status ? status : StatusCodes.Status500InternalServerError, message);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var pieces = CompletionStream.ReadAsync(stream, cancellationToken);
            if (!call.Stream)
            {
                await foreach (var piece in pieces)
                {
                    tally.Add(piece);
                }

                return TypedResults.Ok(tally.Finish(call.Line(Now, tally.Text.ToString(), tally.Thinking.ToString(), tally.ToolCalls.Take())));
            }

            await StreamAsync(context.Response, call, pieces, tally, cancellationToken);
            return TypedResults.Empty;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went; disposing the backend's response has ended its request too.
            return TypedResults.Empty;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or BackendStreamException && !context.Response.HasStarted)
        {
            return OllamaError.Result(StatusCodes.Status502BadGateway, $"the backend of model \"{call.Requested}\" failed: {e.Message}");
        }
        finally
        {
            router.Ended(model);
        }
    }

    /// <summary>A chat with no messages or a generate with no prompt: loads the model, or with keep_alive 0 unloads it.</summary>
    public async Task<Results<EmptyHttpResult, Ok<OllamaReply>, JsonHttpResult<OllamaError>>> LoadAsync(
        HttpContext context, GenerationCall call, CancellationToken cancellationToken)
    {
        if (OllamaBody.Unloads(call.KeepAlive))
        {
            // By alias or by the forms Ollama clients add, as every request; a model the catalog lacks is not found, as Ollama says.
            if (await catalog.FindAsync(call.Requested, cancellationToken) is not { } entry)
            {
                return OllamaError.NotFound(call.Requested);
            }

            await runner.StopAsync(entry.Name, cancellationToken);
            return TypedResults.Ok(call.Line(Now, "") with { Done = true, DoneReason = "unload" });
        }

        // Loading uses no backend: it takes no place in the model's queue.
        var (admitted, refusal) = await admission.EnterAsync(context.Response, call.Requested, call.KeepAlive, call.ContextLength, queued: false, cancellationToken);
        return admitted is null ? refusal! : TypedResults.Ok(call.Line(Now, "") with { Done = true, DoneReason = "load" });
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private async Task StreamAsync(HttpResponse response, GenerationCall call, IAsyncEnumerable<CompletionPiece> pieces, GenerationTally tally, CancellationToken cancellationToken)
    {
        await Ndjson.StartAsync(response, cancellationToken);
        try
        {
            await foreach (var piece in pieces)
            {
                tally.Add(piece);
                if (!string.IsNullOrEmpty(piece.Text) || !string.IsNullOrEmpty(piece.Thinking))
                {
                    await Ndjson.WriteLineAsync(response, call.Line(Now, piece.Text ?? "", piece.Thinking), cancellationToken);
                }
            }

            // A call is whole once the stream has ended: it goes in one line before the last, as Ollama sends it.
            if (tally.ToolCalls.Take() is { Count: > 0 } toolCalls)
            {
                await Ndjson.WriteLineAsync(response, call.Line(Now, "", toolCalls: toolCalls), cancellationToken);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or BackendStreamException && !cancellationToken.IsCancellationRequested)
        {
            await Ndjson.WriteLineAsync(response, new OllamaError($"the backend of model \"{call.Requested}\" failed mid-response: {e.Message}"), cancellationToken);
            return;
        }

        await Ndjson.WriteLineAsync(response, tally.Finish(call.Line(Now, "")), cancellationToken);
    }
}
