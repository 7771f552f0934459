using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Gateway.Ollama;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Lamina.Gateway.Apis;

/// <summary>Ollama's chat, generate and embed routes, served by the models' OpenAI backends.</summary>
public static class OllamaGenerationApi
{
    public static async Task<Results<EmptyHttpResult, Ok<OllamaReply>, JsonHttpResult<OllamaError>>> Chat(
        HttpContext context, GenerationRelay relay, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var (body, invalid) = await OllamaBody.ReadAsync<OllamaChatRequest>(context.Request, options.Value.MaxBodyBytes, cancellationToken);
        var (settings, unusable) = body is null ? default : Settings(body.Model, body.KeepAlive, body.Options);
        if ((invalid ?? unusable) is { } refused)
        {
            return refused;
        }

        if (body!.Messages?.FirstOrDefault(message => message is null || message.Role is not ("system" or "user" or "assistant" or "tool")) is { } odd)
        {
            return OllamaError.BadRequest($"messages: role must be system, user, assistant or tool, got {JsonSerializer.Serialize(odd?.Role)}");
        }

        var (thinking, badThink) = UpstreamRequest.Thinking(body.Think);
        if (badThink is not null)
        {
            return OllamaError.BadRequest(badThink);
        }

        var call = new GenerationCall(settings.Model, true, body.Stream ?? true, settings.KeepAlive, settings.ContextLength, UpstreamRequest.ChatPath,
            served => UpstreamRequest.Chat(served, body.Messages!, body.Options, body.Format, body.Tools, thinking));
        return body.Messages is { Count: > 0 } ? await relay.RelayAsync(context, call, cancellationToken) : await relay.LoadAsync(context, call, cancellationToken);
    }

    public static async Task<Results<EmptyHttpResult, Ok<OllamaReply>, JsonHttpResult<OllamaError>>> Generate(
        HttpContext context, GenerationRelay relay, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var (body, invalid) = await OllamaBody.ReadAsync<OllamaGenerateRequest>(context.Request, options.Value.MaxBodyBytes, cancellationToken);
        var (settings, unusable) = body is null ? default : Settings(body.Model, body.KeepAlive, body.Options);
        if ((invalid ?? unusable) is { } refused)
        {
            return refused;
        }

        var raw = body!.Raw == true;
        if (raw && body.Images is { Count: > 0 })
        {
            return OllamaError.BadRequest("images need the model's chat template, which raw skips: send them without raw, or through /api/chat");
        }

        var (thinking, badThink) = UpstreamRequest.Thinking(body.Think);
        if (badThink is not null)
        {
            return OllamaError.BadRequest(badThink);
        }

        // Thinking off is what raw does anyway; on, or an effort, needs the template raw skips.
        if (raw && body.Think is { ValueKind: not (JsonValueKind.False or JsonValueKind.Null) })
        {
            return OllamaError.BadRequest("think needs the model's chat template, which raw skips: send it without raw, or through /api/chat");
        }

        var call = new GenerationCall(settings.Model, false, body.Stream ?? true, settings.KeepAlive, settings.ContextLength,
            raw ? UpstreamRequest.CompletionsPath : UpstreamRequest.ChatPath,
            served => raw
                ? UpstreamRequest.Completion(served, body.Prompt!, body.Options, body.Format)
                : UpstreamRequest.Chat(served, Messages(body), body.Options, body.Format, thinking: thinking));
        return string.IsNullOrEmpty(body.Prompt) ? await relay.LoadAsync(context, call, cancellationToken) : await relay.RelayAsync(context, call, cancellationToken);
    }

    public static async Task<Results<Ok<OllamaEmbedResponse>, JsonHttpResult<OllamaError>>> Embed(
        HttpRequest request, EmbeddingRelay relay, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var (body, invalid) = await OllamaBody.ReadAsync<OllamaEmbedRequest>(request, options.Value.MaxBodyBytes, cancellationToken);
        var (settings, unusable) = body is null ? default : Settings(body.Model, body.KeepAlive, body.Options);
        if ((invalid ?? unusable) is { } refused)
        {
            return refused;
        }

        if (Inputs(body!.Input) is not { } inputs)
        {
            return OllamaError.BadRequest("input is required: a text, or a list of texts");
        }

        var (result, error) = await relay.EmbedAsync(request.HttpContext.Response, settings.Model, inputs, settings.KeepAlive, settings.ContextLength, cancellationToken);
        return result is null
            ? error!
            : TypedResults.Ok(new OllamaEmbedResponse(settings.Model, result.Embeddings, result.TotalDuration, result.LoadDuration, result.PromptTokens));
    }

    public static async Task<Results<Ok<OllamaEmbeddingResponse>, JsonHttpResult<OllamaError>>> Embeddings(
        HttpRequest request, EmbeddingRelay relay, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var (body, invalid) = await OllamaBody.ReadAsync<OllamaEmbedRequest>(request, options.Value.MaxBodyBytes, cancellationToken);
        var (settings, unusable) = body is null ? default : Settings(body.Model, body.KeepAlive, body.Options);
        if ((invalid ?? unusable) is { } refused)
        {
            return refused;
        }

        if (body!.Prompt is not { } prompt)
        {
            return OllamaError.BadRequest("prompt is required: the text to embed");
        }

        var (result, error) = await relay.EmbedAsync(request.HttpContext.Response, settings.Model, [prompt], settings.KeepAlive, settings.ContextLength, cancellationToken);
        return result is null ? error! : TypedResults.Ok(new OllamaEmbeddingResponse(result.Embeddings.FirstOrDefault() ?? []));
    }

    /// <summary>The model, keep_alive and num_ctx every generation route takes, or why they are refused.</summary>
    private static ((string Model, string? KeepAlive, int? ContextLength) Settings, JsonHttpResult<OllamaError>? Invalid) Settings(
        string? model, JsonElement? keepAlive, JsonObject? options)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return (default, OllamaError.BadRequest("model is required"));
        }

        var (alive, badKeepAlive) = OllamaBody.KeepAlive(keepAlive);
        var (contextLength, badContext) = UpstreamRequest.ContextLength(options);
        return badKeepAlive is not null ? (default, badKeepAlive)
            : badContext is not null ? (default, OllamaError.BadRequest(badContext))
            : ((model, alive, contextLength), null);
    }

    private static IEnumerable<OllamaMessage> Messages(OllamaGenerateRequest body) =>
        string.IsNullOrEmpty(body.System)
            ? [new OllamaMessage("user", body.Prompt, Images: body.Images)]
            : [new OllamaMessage("system", body.System), new OllamaMessage("user", body.Prompt, Images: body.Images)];

    private static IReadOnlyList<string>? Inputs(JsonElement? input) => input switch
    {
        { ValueKind: JsonValueKind.String } text => [text.GetString()!],
        { ValueKind: JsonValueKind.Array } list when list.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String) && list.GetArrayLength() > 0 =>
            [.. list.EnumerateArray().Select(item => item.GetString()!)],
        _ => null,
    };
}
