using Lamina.Shared.Manifest;

namespace Lamina.Registry.Catalog;

/// <summary>
/// Ranks the catalog for a request: models that fit every requirement first (the use case's
/// default, then models that name the use case, then the category's), each with its reason.
/// </summary>
public sealed class Suggester(ModelCatalog catalog)
{
    public IReadOnlyList<Candidate> Rank(SuggestRequest request)
    {
        var manifest = catalog.Manifest;
        return manifest.Models.Values
            .Select(model => Judge(model, manifest, request))
            .OrderBy(candidate => candidate.Rejection is null ? 0 : 1)
            .ThenByDescending(candidate => candidate.Score)
            .ThenBy(candidate => candidate.SizeBytes ?? long.MaxValue)
            .ThenBy(candidate => candidate.Name, StringComparer.Ordinal)
            .ToList();
    }

    private Candidate Judge(ModelEntry model, ModelManifest manifest, SuggestRequest request)
    {
        var files = catalog.Describe(model);
        var size = ByteSize.Parse(model.Raw["size"]?.ToString()) ?? OnDiskSize(files.ResolvedPath);
        // What loading needs: the header's estimate at the context it will run with, else at least the file.
        var header = catalog.Inspect(model, files);
        var memory = header?.EstimateMemoryBytes(model.ContextLength) ?? size;
        var score = 0;
        var why = new List<string>();
        if (request.UseCase is { } useCase)
        {
            if (manifest.Defaults.TryGetValue(useCase, out var chosen) && chosen == model.Name)
            {
                score += 100;
                why.Add($"the default for '{useCase}'");
            }
            else if (ModelQuery.ServesUseCase(model, manifest, useCase))
            {
                score += 50;
                why.Add($"suited to '{useCase}'");
            }
        }

        if (request.Category is { } category && ModelQuery.InCategory(manifest, category, model.Name))
        {
            score += 40;
            why.Add($"in category '{category}'");
        }

        if (files.Available)
        {
            score += 10;
            why.Add("downloaded");
        }

        string? rejection = null;
        if (request.UseCase is not null && request.Category is null && score < 50)
        {
            rejection = $"not meant for '{request.UseCase}'";
        }
        else if (request.Category is not null && !ModelQuery.InCategory(manifest, request.Category, model.Name))
        {
            rejection = $"not in category '{request.Category}'";
        }
        else if (request.Backend is not null && !string.Equals(request.Backend, model.Backend, StringComparison.OrdinalIgnoreCase))
        {
            rejection = $"runs on {model.Backend}, not {request.Backend}";
        }
        else if ((request.MaxSize ?? request.MaxMemory) is { } limit && (request.MaxSize is null ? memory : size) is null)
        {
            rejection = $"size unknown: add 'size' to its manifest entry to compare it with {limit}";
        }
        else if (ByteSize.Parse(request.MaxSize) is { } maxSize && size > maxSize)
        {
            rejection = $"too large: {size} bytes is over max_size {request.MaxSize}";
        }
        else if (ByteSize.Parse(request.MaxMemory) is { } maxMemory && memory > maxMemory)
        {
            rejection = header is null
                ? $"too large for the memory: needs at least its size, {memory} bytes; max_memory is {request.MaxMemory}"
                : $"too large for the memory: needs about {memory} bytes (weights and KV cache at {model.ContextLength ?? header.ContextLength} tokens of context); max_memory is {request.MaxMemory}";
        }
        else if (request.RequireAvailable && !files.Available)
        {
            rejection = $"not downloaded ({files.Reason})";
        }
        else if (request.RequireAvailable && BackendPresence.Missing(model, manifest) is { } missing)
        {
            rejection = missing;
        }

        return new Candidate(model.Name, model, files.Available, score, size, memory, rejection,
            rejection ?? (why.Count == 0 ? "matches the request" : string.Join(", ", why)));
    }

    private static long? OnDiskSize(string? path) => path is not null && File.Exists(path) ? new FileInfo(path).Length : null;
}

public sealed record SuggestRequest(string? UseCase, string? Category, string? MaxSize, string? MaxMemory, string? Backend, bool RequireAvailable);

public sealed record Candidate(string Name, ModelEntry Model, bool Available, int Score, long? SizeBytes, long? MemoryBytes, string? Rejection, string Reason);
