using System.Text.Json.Nodes;
using Lamina.Registry.Catalog;
using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Lamina.Registry.Apis;

public static class ModelsApi
{
    /// <summary>Maps the catalog routes: <c>GET /models</c> and <c>GET /models/{name}</c>.</summary>
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/models").WithTags("Models");
        api.MapGet("/", ListModels).WithName("ListModels").WithSummary("Every model of the manifest, with whether it is on disk and running.");
        api.MapGet("/{name}", GetModel).WithName("GetModel").WithSummary("One model: its manifest entry, files and live state.");
        api.MapPut("/{name}", PutModel).Accepts<ManifestEntry>("application/json").WithName("PutModel").WithSummary("Adds or replaces a model's manifest entry (validated, atomic, If-Match aware).");
        api.MapDelete("/{name}", DeleteModel).WithName("DeleteModel").WithSummary("Removes a model's entry; its files too with ?delete_files=true.");
        return app;
    }

    public static Ok<CatalogModelList> ListModels(
        ModelCatalog catalog, LiveInstances live, bool? available, string? backend, string? category, [FromQuery(Name = "use_case")] string? useCase, string? tag)
    {
        var query = new ModelQuery(available, backend, category, useCase, tag);
        var manifest = catalog.Manifest;
        var instances = live.Active;
        var models = new Dictionary<string, CatalogModel>(StringComparer.Ordinal);
        foreach (var model in manifest.Models.Values)
        {
            var files = catalog.Describe(model);
            if (query.Matches(model, manifest, files.Available))
            {
                models[model.Name] = ModelDescriptions.Describe(files, model, instances);
            }
        }

        return TypedResults.Ok(new CatalogModelList(
            models, models.Count, models.Values.Count(model => model.Available), models.Values.Count(model => model.Active)));
    }

    /// <summary>One model; <c>?context_length=N</c> estimates its memory at that context instead of its own.</summary>
    public static Results<Ok<CatalogModel>, ProblemHttpResult> GetModel(
        string name, ModelCatalog catalog, LiveInstances live, [FromQuery(Name = "context_length")] int? contextLength = null)
    {
        if (!catalog.Manifest.Models.TryGetValue(name, out var model))
        {
            return TypedResults.Problem(UnknownModel(name, catalog), statusCode: StatusCodes.Status404NotFound, title: "Unknown model");
        }

        if (contextLength is < 1)
        {
            return TypedResults.Problem($"context_length is {contextLength}; give a number of tokens of at least 1", statusCode: StatusCodes.Status400BadRequest, title: "Bad context length");
        }

        return TypedResults.Ok(ModelDescriptions.Detail(catalog, model, live.Active, contextLength));
    }

    /// <remarks>
    /// The body is read as JSON, not as a <see cref="ManifestEntry"/>, so that an entry with a field of the wrong
    /// kind gets the manifest validator's message (field, value and what to write) rather than a binding error.
    /// </remarks>
    public static async Task<Results<Created<CatalogModel>, Ok<CatalogModel>, ProblemHttpResult>> PutModel(
        string name, [FromBody] JsonObject entry, ManifestWriter writer, ModelCatalog catalog, LiveInstances live, HttpContext context, CancellationToken cancellationToken)
    {
        var result = await writer.UpsertAsync(name, entry, context.Request.Headers.IfMatch.FirstOrDefault(), cancellationToken);
        context.Response.Headers.ETag = result.Version;
        if (Refused(result) is { } refused)
        {
            return refused;
        }

        var model = catalog.Manifest.Models[name];
        var written = ModelDescriptions.Describe(catalog.Describe(model), model, live.Active);
        return result.Status == WriteStatus.Created ? TypedResults.Created($"/models/{name}", written) : TypedResults.Ok(written);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteModel(
        string name, ManifestWriter writer, ModelCatalog catalog, HttpContext context, CancellationToken cancellationToken,
        [FromQuery(Name = "delete_files")] bool deleteFiles = false)
    {
        var files = catalog.Manifest.Models.TryGetValue(name, out var model) ? catalog.Describe(model) : null;
        // A model pulled from an Ollama registry keeps its template, system and params layers beside its GGUF.
        var layers = model is null ? [] : ModelDescriptions.Entry(model).OllamaLayers?.Values.ToList() ?? [];
        var result = await writer.RemoveAsync(name, context.Request.Headers.IfMatch.FirstOrDefault(), cancellationToken);
        context.Response.Headers.ETag = result.Version;
        if (Refused(result) is { } refused)
        {
            return refused;
        }

        if (deleteFiles && files?.ResolvedPath is { } path && ModelPaths.Resolve(catalog.ModelsDir, files.Path).Path is not null)
        {
            ModelFiles.Delete(path, catalog.ModelsDir);
            foreach (var layer in layers)
            {
                if (ModelPaths.Resolve(catalog.ModelsDir, layer).Path is { } layerPath && File.Exists(layerPath))
                {
                    ModelFiles.Delete(layerPath, catalog.ModelsDir);
                }
            }

            ModelFiles.DeleteFolderIfEmpty(Path.GetDirectoryName(path), catalog.ModelsDir);
        }

        return TypedResults.NoContent();
    }

    private static ProblemHttpResult? Refused(WriteResult result) => result.Status switch
    {
        WriteStatus.VersionChanged => TypedResults.Problem(
            $"the manifest changed since version in If-Match; it is now {result.Version}: read it again and retry", statusCode: StatusCodes.Status412PreconditionFailed, title: "Manifest changed"),
        WriteStatus.NotFound => TypedResults.Problem("the manifest has no such model", statusCode: StatusCodes.Status404NotFound, title: "Unknown model"),
        WriteStatus.Invalid => TypedResults.Problem(
            string.Join("\n", result.Problems.Select(problem => problem.ToString())), statusCode: StatusCodes.Status422UnprocessableEntity, title: "The entry is not valid"),
        _ => null,
    };

    private static string UnknownModel(string name, ModelCatalog catalog)
    {
        var known = catalog.Manifest.Models.Keys.Order().ToList();
        return known.Count == 0
            ? $"model '{name}' is not in {catalog.ManifestPath}, which lists no models; add it there."
            : $"model '{name}' is not in {catalog.ManifestPath}; known models: {string.Join(", ", known)}";
    }
}
