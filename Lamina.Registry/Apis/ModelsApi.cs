using System.Text.Json.Nodes;
using Lamina.Registry.Catalog;
using Lamina.Shared.Contracts;
using Lamina.Shared.Gguf;
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
        api.MapPut("/{name}", PutModel).WithName("PutModel").WithSummary("Adds or replaces a model's manifest entry (validated, atomic, If-Match aware).");
        api.MapDelete("/{name}", DeleteModel).WithName("DeleteModel").WithSummary("Removes a model's entry; its files too with ?delete_files=true.");
        return app;
    }

    public static Ok<JsonObject> ListModels(
        ModelCatalog catalog, LiveInstances live, bool? available, string? backend, string? category, [FromQuery(Name = "use_case")] string? useCase, string? tag)
    {
        var query = new ModelQuery(available, backend, category, useCase, tag);
        var manifest = catalog.Manifest;
        var instances = live.Active;
        var models = new JsonObject();
        var onDisk = 0;
        foreach (var model in manifest.Models.Values)
        {
            var entry = Describe(catalog.Describe(model), model, instances);
            var isAvailable = entry["available"]!.GetValue<bool>();
            if (query.Matches(model, manifest, isAvailable))
            {
                onDisk += isAvailable ? 1 : 0;
                models[model.Name] = entry;
            }
        }

        return TypedResults.Ok(new JsonObject
        {
            ["models"] = models,
            ["total"] = models.Count,
            ["available"] = onDisk,
            ["active"] = instances.Keys.Count(models.ContainsKey),
        });
    }

    /// <summary>One model; <c>?context_length=N</c> estimates its memory at that context instead of its own.</summary>
    public static Results<Ok<JsonObject>, ProblemHttpResult> GetModel(
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

        var files = catalog.Describe(model);
        var entry = Describe(files, model, live.Active);
        entry["format"] = model.Format;
        entry["size_bytes"] = ModelFiles.SizeOf(files.ResolvedPath);
        entry["modified_at"] = ModelFiles.ModifiedAt(files.ResolvedPath);
        entry["backend_settings"] = BackendSettings(catalog.Manifest);
        if (catalog.Inspect(model, files) is { } header)
        {
            entry["metadata"] = Metadata(header, contextLength ?? model.ContextLength);
        }

        return TypedResults.Ok(entry);
    }

    /// <summary>Each backend's executable and default arguments, so the Runner starts it as the manifest says.</summary>
    private static JsonObject BackendSettings(ModelManifest manifest) =>
        new(manifest.Backends.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)new JsonObject
        {
            ["executable"] = pair.Value["executable"]?.DeepClone(),
            ["default_args"] = pair.Value["default_args"]?.DeepClone(),
        })));

    private static JsonObject Describe(CatalogModel files, ModelEntry model, IReadOnlyDictionary<string, InstanceInfo> instances)
    {
        var entry = (JsonObject)model.Raw.DeepClone();
        entry["name"] = model.Name;
        entry["backend"] = model.Backend;
        entry["resolved_path"] = files.ResolvedPath;
        entry["available"] = files.Available;
        entry["active"] = instances.ContainsKey(model.Name);
        if (files.Reason is not null)
        {
            entry["reason"] = files.Reason;
        }

        if (files.Checksum is not null)
        {
            entry["checksum"] = files.Checksum;
        }

        if (instances.TryGetValue(model.Name, out var instance))
        {
            entry["server"] = new JsonObject
            {
                ["backend"] = instance.Backend,
                ["state"] = instance.State,
                ["endpoint"] = instance.Endpoint,
                ["chat_endpoint"] = instance.Endpoint is null ? null : $"{instance.Endpoint}/v1/chat/completions",
            };
        }

        return entry;
    }

    public static async Task<Results<Created<JsonObject>, Ok<JsonObject>, ProblemHttpResult>> PutModel(
        string name, JsonObject entry, ManifestWriter writer, ModelCatalog catalog, LiveInstances live, HttpContext context, CancellationToken cancellationToken)
    {
        var result = await writer.UpsertAsync(name, entry, context.Request.Headers.IfMatch.FirstOrDefault(), cancellationToken);
        context.Response.Headers.ETag = result.Version;
        if (Refused(result) is { } refused)
        {
            return refused;
        }

        var model = catalog.Manifest.Models[name];
        var written = Describe(catalog.Describe(model), model, live.Active);
        return result.Status == WriteStatus.Created ? TypedResults.Created($"/models/{name}", written) : TypedResults.Ok(written);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteModel(
        string name, ManifestWriter writer, ModelCatalog catalog, HttpContext context, CancellationToken cancellationToken,
        [FromQuery(Name = "delete_files")] bool deleteFiles = false)
    {
        var files = catalog.Manifest.Models.TryGetValue(name, out var model) ? catalog.Describe(model) : null;
        // A model pulled from an Ollama registry keeps its template, system and params layers beside its GGUF.
        var layers = (model?.Raw["ollama_layers"] as JsonObject ?? []).Select(layer => layer.Value?.ToString()).OfType<string>().ToList();
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

    /// <summary>The header's facts; memory is estimated at the context the model runs with (the manifest's, else its own).</summary>
    private static JsonObject Metadata(GgufModelInfo header, int? contextLength) => new()
    {
        ["architecture"] = header.Architecture,
        ["name"] = header.Name,
        ["parameter_count"] = header.ParameterCount,
        ["context_length"] = header.ContextLength,
        ["quantization"] = header.Quantization.ToString(),
        ["file_type"] = header.Quantization.FileTypeName,
        ["tensor_types"] = new JsonObject([.. header.Quantization.TensorTypes.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value))]),
        ["has_chat_template"] = header.HasChatTemplate,
        // The text itself, for Ollama's show (absent when the header's is too long to keep).
        ["chat_template"] = header.ChatTemplate,
        ["block_count"] = header.BlockCount,
        ["estimated_memory_bytes"] = header.EstimateMemoryBytes(contextLength),
        ["estimated_context_length"] = header.EstimateMemory(contextLength).ContextLength,
    };

    private static string UnknownModel(string name, ModelCatalog catalog)
    {
        var known = catalog.Manifest.Models.Keys.Order().ToList();
        return known.Count == 0
            ? $"model '{name}' is not in {catalog.ManifestPath}, which lists no models; add it there."
            : $"model '{name}' is not in {catalog.ManifestPath}; known models: {string.Join(", ", known)}";
    }
}
