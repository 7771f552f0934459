using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lamina.Shared.Manifest;

/// <summary>Reads <c>models.yaml</c> in the format lamina-llm-serve users already have.</summary>
public static class ManifestReader
{
    public static ModelManifest ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ManifestException($"Manifest '{path}' does not exist. Create it or set Lamina:Manifest to the models.yaml to use.");
        }

        using var reader = File.OpenText(path);
        return Read(reader, path);
    }

    public static ModelManifest Read(TextReader text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(text);
        }
        catch (YamlException e)
        {
            throw new ManifestException($"{source}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.InnerException?.Message ?? e.Message}", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode)
        {
            return ModelManifest.Empty;
        }

        if (ToJson(stream.Documents[0].RootNode) is not JsonObject root)
        {
            throw new ManifestException($"{source}: the top level must be a mapping with 'models', 'categories', 'backends' and 'defaults'.");
        }

        return new ModelManifest(
            ReadModels(root["models"], source),
            Section(root["categories"], node => (IReadOnlyList<string>)(node as JsonArray ?? []).Select(n => n?.ToString() ?? "").ToList()),
            Section(root["backends"], node => node as JsonObject ?? []),
            Section(root["defaults"], node => node?.ToString() ?? ""));
    }

    private static Dictionary<string, ModelEntry> ReadModels(JsonNode? node, string source)
    {
        var models = new Dictionary<string, ModelEntry>(StringComparer.Ordinal);
        if (node is null)
        {
            return models;
        }

        if (node is not JsonObject section)
        {
            throw new ManifestException($"{source}: 'models' must be a mapping of model name to its settings.");
        }

        foreach (var (name, value) in section)
        {
            if (value is not JsonObject fields)
            {
                throw new ManifestException($"{source}: model '{name}' must be a mapping with at least 'path' and 'backend'.");
            }

            models[name] = new ModelEntry(name, fields["path"]?.ToString(), fields["backend"]?.ToString() ?? "auto", fields);
        }

        return models;
    }

    private static Dictionary<string, T> Section<T>(JsonNode? node, Func<JsonNode?, T> map) =>
        (node as JsonObject ?? []).ToDictionary(pair => pair.Key, pair => map(pair.Value), StringComparer.Ordinal);

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(pair =>
            KeyValuePair.Create(((YamlScalarNode)pair.Key).Value ?? "", ToJson(pair.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value;
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted || value is null)
        {
            return value is null ? null : JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) => JsonValue.Create(real),
            _ => JsonValue.Create(value),
        };
    }
}
