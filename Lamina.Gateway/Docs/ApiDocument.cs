using System.Text.Json.Nodes;

namespace Lamina.Gateway.Docs;

/// <summary>
/// One OpenAPI document for everything the gateway serves: its own OpenAI and Ollama routes, and
/// the REST routes of the Registry, Runner and Downloader it proxies, as each service describes
/// them and under the paths the gateway gives them.
/// </summary>
public sealed class ApiDocument(IHttpClientFactory clients)
{
    /// <summary>Each service's routes the gateway exposes, and where a gateway path differs from the service's.</summary>
    private static readonly (string Service, string[] Prefixes)[] Services =
    [
        ("registry", ["/models", "/manifest", "/categories", "/stats", "/suggest"]),
        ("runner", ["/instances", "/gpus", "/backends"]),
        ("downloader", ["/downloads", "/download"]),
    ];

    public static string ClientName(string service) => $"docs-{service}";

    public async Task<JsonObject> BuildAsync(JsonObject gateway, CancellationToken cancellationToken)
    {
        var merged = (JsonObject)gateway.DeepClone();
        merged["info"] = new JsonObject
        {
            ["title"] = "Lamina",
            ["version"] = "v1",
            ["description"] = "Lamina's REST API, OpenAI-compatible /v1 and Ollama-compatible /api, all behind one gateway. "
                + "When Lamina:Gateway:ApiKeys is set, send Authorization: Bearer <key>; routes that change what runs take an admin key.",
        };
        var paths = merged["paths"] as JsonObject ?? [];
        merged["paths"] = paths;
        var components = merged["components"] as JsonObject ?? [];
        merged["components"] = components;
        var schemas = components["schemas"] as JsonObject ?? [];
        components["schemas"] = schemas;
        components["securitySchemes"] = new JsonObject { ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer" } };
        merged["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() });

        foreach (var (service, prefixes) in Services)
        {
            var document = await ReadAsync(service, schemas, cancellationToken);
            foreach (var (path, operations) in document?["paths"] as JsonObject ?? [])
            {
                if (prefixes.Any(prefix => path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal)))
                {
                    paths[path] = operations!.DeepClone();
                }
            }

            // The gateway starts and stops models at lamina-llm-serve's paths.
            foreach (var action in (string[])["start", "stop"])
            {
                if (paths[$"/instances/{{model}}/{action}"] is { } operation)
                {
                    paths[$"/models/{{model}}/{action}"] = operation.DeepClone();
                }
            }

            foreach (var (name, schema) in document?["components"]?["schemas"] as JsonObject ?? [])
            {
                schemas[name] = schema!.DeepClone();
            }
        }

        return merged;
    }

    /// <summary>A service's document with any schema whose name another service already uses renamed <c>service.Name</c>; null when it cannot be read.</summary>
    private async Task<JsonObject?> ReadAsync(string service, JsonObject known, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await clients.CreateClient(ClientName(service)).GetStringAsync("/openapi/v1.json", cancellationToken);
        }
        catch (HttpRequestException)
        {
            // A service that is down leaves its routes out; the rest of the document still helps.
            return null;
        }

        var document = JsonNode.Parse(text) as JsonObject;
        foreach (var (name, schema) in document?["components"]?["schemas"] as JsonObject ?? [])
        {
            if (known[name] is { } other && !JsonNode.DeepEquals(other, schema))
            {
                text = text.Replace($"\"#/components/schemas/{name}\"", $"\"#/components/schemas/{service}.{name}\"", StringComparison.Ordinal)
                    .Replace($"\"{name}\":", $"\"{service}.{name}\":", StringComparison.Ordinal);
            }
        }

        return JsonNode.Parse(text) as JsonObject;
    }
}
