using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lamina.Downloader.Transfer;
using Lamina.Shared.Manifest;
using Microsoft.Extensions.Options;

namespace Lamina.Downloader.Sources;

/// <summary>
/// A model from an Ollama registry: its manifest, then each layer by digest. The model layer
/// becomes the GGUF file; the template, system and params layers are kept beside it and named in
/// the manifest entry. A digest is checked for its exact form before it is used anywhere.
/// </summary>
public sealed partial class OllamaSource(HttpClient registry, IOptions<OllamaOptions> options)
{
    private const string ManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json";
    private const string LayerPrefix = "application/vnd.ollama.image.";

    // The layers kept beside the model, and the file each becomes.
    private static readonly Dictionary<string, string> _kept = new(StringComparer.Ordinal)
    {
        ["template"] = "template",
        ["system"] = "system",
        ["params"] = "params.json",
    };

    /// <summary>The plan for <c>{model: "name[:tag]"}</c>.</summary>
    public async Task<SourcePlan> PlanAsync(string model, JsonObject source, string? path, string modelsDir, CancellationToken cancellationToken)
    {
        var name = source["model"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        if (name is null || OllamaName().Match(name) is not { Success: true } match)
        {
            throw new TransferException($"ollama source needs model as name[:tag] (like \"qwen2.5:0.5b\" or \"library/llama3.2:1b\"), got '{name}'");
        }

        var space = match.Groups["space"].Success ? match.Groups["space"].Value : "library";
        var repository = $"{space}/{match.Groups["model"].Value}";
        var tag = match.Groups["tag"].Success ? match.Groups["tag"].Value : "latest";
        var manifest = await ManifestAsync(repository, tag, name, cancellationToken);
        var layers = (manifest["layers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var weights = layers.Where(layer => MediaType(layer) == LayerPrefix + "model").ToList();
        if (weights.Count != 1)
        {
            throw new TransferException($"the registry's manifest for '{name}' has {weights.Count} model layers; Lamina can pull models with exactly one (GGUF) layer");
        }

        var relative = path ?? $"{model}/{Targets.FileName(model.Replace(':', '-')) ?? "model"}.gguf";
        var target = Targets.Inside(modelsDir, relative);
        var folder = Path.GetDirectoryName(relative) is { Length: > 0 } parent ? parent : ".";
        var files = new List<TransferRequest> { Layer(repository, weights[0], target) };
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            if (MediaType(layer) is { } type && type.StartsWith(LayerPrefix, StringComparison.Ordinal) && _kept.TryGetValue(type[LayerPrefix.Length..], out var keptName))
            {
                var keptPath = folder == "." ? keptName : $"{folder}/{keptName}";
                files.Add(Layer(repository, layer, Targets.Inside(modelsDir, keptPath)));
                kept[type[LayerPrefix.Length..]] = keptPath;
            }
        }

        return new SourcePlan("ollama", relative, ModelFormats.Gguf, files) { OllamaLayers = kept };
    }

    private async Task<JsonObject> ManifestAsync(string repository, string tag, string name, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.Value.Registry, $"v2/{repository}/manifests/{tag}"));
        request.Headers.Accept.ParseAdd(ManifestMediaType);
        using var response = await registry.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new TransferException($"the Ollama registry has no '{name}'; check the name and tag on ollama.com/library");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new TransferException($"the Ollama registry responded {(int)response.StatusCode} {response.ReasonPhrase} for '{name}'");
        }

        return await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken)
            ?? throw new TransferException($"the Ollama registry's manifest for '{name}' is empty");
    }

    private TransferRequest Layer(string repository, JsonObject layer, string target)
    {
        var digest = layer["digest"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        // Checked before it goes into a URL or near a path: a crafted digest once let a registry write anywhere.
        if (digest is null || !Digest().IsMatch(digest))
        {
            throw new TransferException($"the registry gave a layer digest '{digest}' that is not sha256:<64 lowercase hex>; refusing the model");
        }

        long? size = layer["size"] is JsonValue sizeValue && sizeValue.TryGetValue<long>(out var bytes) && bytes >= 0 ? bytes : null;
        return new TransferRequest(new Uri(options.Value.Registry, $"v2/{repository}/blobs/{digest}"), target) { Size = size, Sha256 = digest["sha256:".Length..] };
    }

    private static string? MediaType(JsonObject layer) => layer["mediaType"] is JsonValue value && value.TryGetValue<string>(out var type) ? type : null;

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex Digest();

    [GeneratedRegex(@"^(?:(?<space>[a-z0-9][a-z0-9._-]*)/)?(?<model>[a-z0-9][a-z0-9._-]*)(?::(?<tag>[A-Za-z0-9][A-Za-z0-9._-]{0,127}))?$")]
    private static partial Regex OllamaName();
}
