using System.Text.Json.Nodes;

namespace Lamina.Gateway.Routing;

/// <summary>Reads the catalog from the Registry.</summary>
public sealed class RegistryClient(HttpClient http)
{
    public async Task<JsonObject> ListModelsAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("/models", cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return body?["models"] as JsonObject ?? [];
    }
}
