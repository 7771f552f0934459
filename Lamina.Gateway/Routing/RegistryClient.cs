using System.Net;
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

    /// <summary>One model with its files and GGUF facts; null when the manifest has no such model.</summary>
    public async Task<JsonObject?> FindModelAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/models/{Uri.EscapeDataString(name)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken) as JsonObject;
    }

    /// <summary>Removes the model from the manifest and its files from disk; false when there was no such model.</summary>
    public async Task<bool> DeleteModelAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync($"/models/{Uri.EscapeDataString(name)}?delete_files=true", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        response.EnsureSuccessStatusCode();
        return true;
    }
}
