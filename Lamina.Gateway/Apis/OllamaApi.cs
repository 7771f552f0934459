using System.Reflection;
using Lamina.Gateway.Ollama;
using Lamina.Gateway.Routing;
using Lamina.Shared.Clients;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Lamina.Gateway.Apis;

public static class OllamaApi
{
    /// <summary>The Ollama API version <c>/api/version</c> returns: clients check it, so it is a plain major.minor.patch.</summary>
    public const string ApiVersion = "0.12.6";

    private static readonly string _laminaVersion =
        typeof(OllamaApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>Maps Ollama's API under <c>/api</c>, so Ollama's clients and CLI work against the gateway unchanged.</summary>
    public static IEndpointRouteBuilder MapOllamaApi(this IEndpointRouteBuilder app)
    {
        // Ollama's clients check that the server is up with GET or HEAD on the root.
        app.MapMethods("/", ["GET", "HEAD"], () => TypedResults.Text("Ollama is running")).WithTags("Ollama").WithName("OllamaHeartbeat");
        var api = app.MapGroup("/api").WithTags("Ollama");
        api.MapGet("/version", () => TypedResults.Ok(new OllamaVersion(ApiVersion, _laminaVersion))).WithName("OllamaVersion").WithSummary("The Ollama API version spoken, and Lamina's.");
        api.MapGet("/tags", Tags).WithName("OllamaTags").WithSummary("The models on disk, by their Lamina names.");
        api.MapGet("/ps", Running).WithName("OllamaPs").WithSummary("The models loaded now.");
        api.MapPost("/show", Show).WithName("OllamaShow").WithSummary("A model's details and GGUF facts.");
        api.MapPost("/pull", Pull).WithName("OllamaPull").WithSummary("Downloads a model; NDJSON progress unless stream is false.");
        api.MapPost("/chat", OllamaGenerationApi.Chat).WithName("OllamaChat").WithSummary("Starts the model if needed and streams its response as NDJSON.");
        api.MapPost("/generate", OllamaGenerationApi.Generate).WithName("OllamaGenerate").WithSummary("Completes a prompt, streamed as NDJSON unless stream is false.");
        api.MapPost("/embed", OllamaGenerationApi.Embed).WithName("OllamaEmbed").WithSummary("Embeds text or a list of texts.");
        api.MapPost("/embeddings", OllamaGenerationApi.Embeddings).WithName("OllamaEmbeddings").WithSummary("Embeds one prompt (Ollama's older route).");
        api.MapDelete("/delete", Delete).WithName("OllamaDelete").WithSummary("Removes a model from the manifest and its files from disk.");
        return app;
    }

    public static async Task<Ok<OllamaModelList>> Tags(OllamaCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok(await catalog.ListAsync(cancellationToken));

    public static async Task<Ok<OllamaRunningList>> Running(OllamaCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok(await catalog.RunningAsync(cancellationToken));

    public static async Task<Results<Ok<OllamaShowResponse>, JsonHttpResult<OllamaError>>> Show(
        HttpRequest request, OllamaCatalog catalog, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var (target, invalid) = await TargetAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var entry = await catalog.FindAsync(target!.Value.Model, cancellationToken);
        return entry is { Available: true } ? TypedResults.Ok(OllamaCatalog.Show(entry)) : OllamaError.NotFound(target.Value.Model);
    }

    public static async Task<Results<EmptyHttpResult, Ok<PullStatus>, JsonHttpResult<OllamaError>>> Pull(
        HttpContext context, PullRelay relay, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var (target, invalid) = await TargetAsync(context.Request, options.Value.MaxBodyBytes, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        return await relay.PullAsync(context, target!.Value.Model, target.Value.Stream, cancellationToken);
    }

    public static async Task<Results<Ok, JsonHttpResult<OllamaError>>> Delete(
        HttpRequest request, OllamaCatalog catalog, RegistryClient registry, RunnerClient runner, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var (target, invalid) = await TargetAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        if (await catalog.FindAsync(target!.Value.Model, cancellationToken) is not { } entry)
        {
            return OllamaError.NotFound(target.Value.Model);
        }

        // A running model would go on serving a file that is gone.
        await runner.StopAsync(entry.Name, cancellationToken);
        return await registry.DeleteModelAsync(entry.Name, deleteFiles: true, cancellationToken) ? TypedResults.Ok() : OllamaError.NotFound(target.Value.Model);
    }

    /// <summary>The model of a show, pull or delete body, and whether to stream.</summary>
    private static async Task<((string Model, bool Stream)? Target, JsonHttpResult<OllamaError>? Invalid)> TargetAsync(
        HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var (body, invalid) = await OllamaBody.ReadAsync<OllamaModelRequest>(request, maxBytes, cancellationToken);
        if (invalid is not null)
        {
            return (null, invalid);
        }

        return body!.Target is { } model ? ((model, body.Stream ?? true), null) : (null, OllamaError.BadRequest("model is required"));
    }
}
