using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lamina.Downloader.Transfer;

namespace Lamina.Downloader.Jobs;

/// <summary>The Registry, the one writer of the manifest: what a model's entry says, and adding one once its files are in place.</summary>
public sealed class RegistryClient(HttpClient http)
{
    // Fields the Registry adds to an entry when it answers; they are not the manifest's.
    private static readonly string[] _computed = ["name", "resolved_path", "available", "active", "reason", "checksum", "server", "metadata"];

    /// <summary>The model's manifest entry, or null when the manifest has no such model.</summary>
    public async Task<JsonObject?> FindAsync(string model, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/models/{Uri.EscapeDataString(model)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
    }

    /// <summary>The entry as the manifest holds it, without what the Registry adds when answering.</summary>
    public static JsonObject ManifestFields(JsonObject answered)
    {
        var entry = (JsonObject)answered.DeepClone();
        foreach (var field in _computed)
        {
            entry.Remove(field);
        }

        return entry;
    }

    /// <summary>Adds or replaces the model's entry.</summary>
    /// <exception cref="TransferException">The Registry refused it; the message has its reasons.</exception>
    public async Task RegisterAsync(string model, JsonObject entry, CancellationToken cancellationToken)
    {
        using var response = await http.PutAsJsonAsync($"/models/{Uri.EscapeDataString(model)}", entry, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
            throw new TransferException($"the files are in place but the Registry refused the manifest entry ({(int)response.StatusCode}): {problem?["detail"]}");
        }
    }
}
