using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Gateway.Ollama;

/// <summary>Responds to Ollama's embed routes from the backend's <c>/v1/embeddings</c>.</summary>
public sealed class EmbeddingRelay(OllamaAdmission admission, Routing.ModelRouter router, TimeProvider time)
{
    /// <summary>The vectors of <paramref name="inputs"/>, in order, and the prompt tokens they took; or Ollama's error (a 429 sets <paramref name="reply"/>'s Retry-After).</summary>
    public async Task<(EmbedResult? Result, JsonHttpResult<OllamaError>? Error)> EmbedAsync(
        HttpResponse reply, string requested, IReadOnlyList<string> inputs, string? keepAlive, int? contextLength, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var (admitted, refusal) = await admission.EnterAsync(reply, requested, keepAlive, contextLength, queued: true, cancellationToken);
        if (admitted is null)
        {
            return (null, refusal);
        }

        using var place = admitted;
        var model = admitted.Model;
        var load = time.GetElapsedTime(started);
        router.Began(model);
        try
        {
            var (sent, gone) = await admission.PostAsync(admitted, requested, keepAlive, contextLength, "/v1/embeddings",
                route => new JsonObject { ["model"] = route.ServedModel ?? model, ["input"] = new JsonArray([.. inputs.Select(input => (JsonNode)input)]) }, cancellationToken);
            if (sent is null)
            {
                return (null, gone);
            }

            using var response = sent;
            if ((int)response.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed or StatusCodes.Status501NotImplemented)
            {
                // 501 is llama-server started to generate: it embeds only when started for that alone.
                var fix = (int)response.StatusCode == StatusCodes.Status501NotImplemented
                    ? $"; to embed with it, give \"{model}\" use_cases: [embeddings] alone in models.yaml (llama-server then embeds and does not chat)"
                    : "";
                return (null, OllamaError.BadRequest(
                    $"model \"{requested}\" does not support embeddings: its backend has no /v1/embeddings (it responded {(int)response.StatusCode} {response.ReasonPhrase}){fix}"));
            }

            if (!response.IsSuccessStatusCode)
            {
                var message = await OllamaBackendClient.ErrorMessageAsync(response, cancellationToken);
                return (null, OllamaError.Result((int)response.StatusCode is >= 400 and < 500 and var status ? status : StatusCodes.Status500InternalServerError, message));
            }

            var body = await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var vectors = (body?["data"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .OrderBy(item => item["index"]?.GetValue<int>() ?? 0)
                .Select(item => (item["embedding"] as JsonArray ?? []).Select(value => value!.GetValue<float>()).ToArray())
                .ToList();
            var promptTokens = body?["usage"]?["prompt_tokens"]?.GetValue<int>() ?? 0;
            return (new EmbedResult(vectors, promptTokens, GenerationTally.Nanoseconds(time.GetElapsedTime(started)), GenerationTally.Nanoseconds(load)), null);
        }
        catch (HttpRequestException e)
        {
            return (null, OllamaError.Result(StatusCodes.Status502BadGateway, $"the backend of model \"{requested}\" failed: {e.Message}"));
        }
        finally
        {
            router.Ended(model);
        }
    }

    public sealed record EmbedResult(IReadOnlyList<float[]> Embeddings, int PromptTokens, long TotalDuration, long LoadDuration);
}
