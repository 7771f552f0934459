using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Lamina.AppHost.Tests;

[Collection(SystemCollection.Name)]
public sealed class DocsThroughGatewayTests(SystemFixture fixture)
{
    private HttpClient Gateway => fixture.System.Gateway;

    [Fact]
    public async Task OneOpenApiDocumentDescribesEveryFamilyUnderTheGatewaysPaths()
    {
        var document = (await Gateway.GetFromJsonAsync<JsonObject>("/openapi/lamina.json"))!;

        var paths = document["paths"]!.AsObject().Select(path => path.Key).ToHashSet();
        Assert.Equal("Lamina", document["info"]!["title"]!.GetValue<string>());
        Assert.Superset(
            new HashSet<string>
            {
                "/v1/chat/completions", "/v1/embeddings", "/v1/models", "/api/chat", "/api/tags", "/api/pull",
                "/models", "/models/{name}", "/manifest", "/suggest", "/models/{model}/start", "/models/{model}/stop",
                "/instances", "/instances/{model}/logs", "/gpus", "/backends", "/downloads", "/download",
            },
            paths);
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
        // Every reference points at a schema the document has.
        var schemas = document["components"]!["schemas"]!.AsObject().Select(schema => schema.Key).ToHashSet();
        var references = System.Text.RegularExpressions.Regex.Matches(document.ToJsonString(), "\"#/components/schemas/([^\"]+)\"").Select(match => match.Groups[1].Value);
        Assert.All(references, reference => Assert.Contains(reference, schemas));
    }

    [Fact]
    public async Task EverySuccessfulResponseOfALaminaRouteDescribesItsBody()
    {
        var document = (await Gateway.GetFromJsonAsync<JsonObject>("/openapi/lamina.json"))!;
        var schemas = document["components"]?["schemas"] as JsonObject ?? [];

        var undescribed = new List<string>();
        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in operations!.AsObject().Where(pair => pair.Value?["responses"] is not null))
            {
                // OpenAI's and Ollama's routes (/v1, /api and Ollama's heartbeat), and lamina-llm-serve's chat, an OpenAI chat, speak those protocols.
                var tags = (operation!["tags"] as JsonArray ?? []).Select(tag => tag?.GetValue<string>()).ToList();
                if (tags.Contains("OpenAI") || tags.Contains("Ollama") || path.StartsWith("/chat/", StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var (status, response) in operation!["responses"]!.AsObject())
                {
                    var content = response?["content"] as JsonObject ?? [];
                    if (status.StartsWith('2') && status != "204" && (content.Count == 0 || content.Any(media => !Describes(media.Value?["schema"], schemas))))
                    {
                        undescribed.Add($"{method.ToUpperInvariant()} {path} {status}: {content.ToJsonString()}");
                    }
                }
            }
        }

        Assert.Empty(undescribed);
        Assert.Contains("#/components/schemas/CatalogModel", document["paths"]!["/models/{name}"]!["get"]!["responses"]!["200"]!.ToJsonString());
    }

    /// <summary>Whether a schema says what the body holds: its fields, its items or its type, not merely "an object".</summary>
    private static bool Describes(JsonNode? schema, JsonObject schemas)
    {
        if (schema?["$ref"]?.GetValue<string>() is { } reference)
        {
            return schemas[reference["#/components/schemas/".Length..]] is { } target && Describes(target, schemas);
        }

        return schema is JsonObject shape
            && (shape.ContainsKey("properties") || shape.ContainsKey("items") || shape["additionalProperties"] is JsonObject
                || shape["type"]?.ToJsonString() is { } type && type != "\"object\"");
    }

    [Fact]
    public async Task TheDocumentIsBuiltInsideTheGatewayWhateverHostARequestNames()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/lamina.json");
        // Were the gateway to fetch its own part from the Host a request names, this would send it elsewhere.
        request.Headers.Host = "unreachable.invalid:1";

        using var response = await Gateway.SendAsync(request);

        Assert.Equal(global::System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/v1/chat/completions", (await response.Content.ReadFromJsonAsync<JsonObject>())!["paths"]!.AsObject().Select(path => path.Key));
    }

    [Fact]
    public async Task TheApiReferencePageIsServed()
    {
        using var page = await Gateway.GetAsync("/docs");

        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Lamina API</title>", await page.Content.ReadAsStringAsync());
    }
}
