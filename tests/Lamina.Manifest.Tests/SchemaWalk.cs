using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Lamina.Manifest.Tests;

/// <summary>Walks a YAML document beside its JSON Schema, listing the field names the schema does not name.</summary>
internal static class SchemaWalk
{
    public static void Fields(YamlNode node, JsonElement schema, JsonElement root, string path, List<string> missing)
    {
        schema = Resolve(schema, root);
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    var name = ((YamlScalarNode)key).Value!;
                    var field = path.Length == 0 ? name : $"{path}.{name}";
                    if (Named(schema, root, name) is { } property)
                    {
                        Fields(value, property, root, field, missing);
                    }
                    // An object under additionalProperties is a map of names the user chooses
                    // (models, categories); "true" only tolerates fields the schema does not know.
                    else if (schema.TryGetProperty("additionalProperties", out var any) && any.ValueKind == JsonValueKind.Object)
                    {
                        Fields(value, any, root, field, missing);
                    }
                    else
                    {
                        missing.Add(field);
                    }
                }

                break;
            case YamlSequenceNode sequence when schema.TryGetProperty("items", out var items):
                foreach (var item in sequence.Children)
                {
                    Fields(item, items, root, path + "[]", missing);
                }

                break;
        }
    }

    private static JsonElement? Named(JsonElement schema, JsonElement root, string name)
    {
        if (schema.TryGetProperty("properties", out var properties) && properties.TryGetProperty(name, out var property))
        {
            return property;
        }

        return schema.TryGetProperty("anyOf", out var branches)
            ? branches.EnumerateArray().Select(branch => Named(Resolve(branch, root), root, name)).FirstOrDefault(found => found is not null)
            : null;
    }

    private static JsonElement Resolve(JsonElement schema, JsonElement root)
    {
        while (schema.TryGetProperty("$ref", out var reference))
        {
            schema = reference.GetString()!.TrimStart('#', '/').Split('/').Aggregate(root, (node, part) => node.GetProperty(part));
        }

        return schema;
    }
}
