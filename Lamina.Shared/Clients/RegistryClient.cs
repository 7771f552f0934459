using System.Net;
using System.Net.Http.Json;
using Lamina.Shared.Contracts;

namespace Lamina.Shared.Clients;

/// <summary>
/// The Registry's catalog as every other service reads and changes it. Register it as a typed
/// <see cref="HttpClient"/> whose base address is <c>https+http://registry</c>.
/// </summary>
public sealed class RegistryClient(HttpClient http)
{
    /// <summary>Every model of the manifest, by name, with whether it is on disk and running.</summary>
    /// <exception cref="RegistryException">The Registry responded with an error.</exception>
    public async Task<IReadOnlyDictionary<string, CatalogModel>> ListModelsAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("/models", cancellationToken);
        await EnsureSuccessAsync(response, "the model list", cancellationToken);
        var list = await response.Content.ReadFromJsonAsync(LaminaJsonContext.Default.CatalogModelList, cancellationToken);
        return list?.Models ?? new Dictionary<string, CatalogModel>();
    }

    /// <summary>
    /// One model with its files, GGUF facts and backends, its memory estimated at <paramref name="contextLength"/>
    /// (else its own); null when the manifest has no such model.
    /// </summary>
    /// <exception cref="RegistryException">The Registry responded with another error.</exception>
    public async Task<CatalogModel?> FindModelAsync(string name, int? contextLength, CancellationToken cancellationToken)
    {
        var query = contextLength is { } context ? $"?context_length={context}" : "";
        using var response = await http.GetAsync($"/models/{Uri.EscapeDataString(name)}{query}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, $"model '{name}'", cancellationToken);
        return await response.Content.ReadFromJsonAsync(LaminaJsonContext.Default.CatalogModel, cancellationToken);
    }

    /// <summary>Adds or replaces the model's manifest entry; what the catalog then says of the model.</summary>
    /// <exception cref="RegistryException">The Registry refused the entry; the message has its reasons.</exception>
    public async Task<CatalogModel?> RegisterModelAsync(string name, ManifestEntry entry, CancellationToken cancellationToken)
    {
        using var content = JsonContent.Create(entry, LaminaJsonContext.Default.ManifestEntry);
        using var response = await http.PutAsync($"/models/{Uri.EscapeDataString(name)}", content, cancellationToken);
        await EnsureSuccessAsync(response, "the manifest entry", cancellationToken);
        return await response.Content.ReadFromJsonAsync(LaminaJsonContext.Default.CatalogModel, cancellationToken);
    }

    /// <summary>Removes the model from the manifest, and its files with <paramref name="deleteFiles"/>; false when there was no such model.</summary>
    /// <exception cref="RegistryException">The Registry responded with another error.</exception>
    public async Task<bool> DeleteModelAsync(string name, bool deleteFiles, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync($"/models/{Uri.EscapeDataString(name)}?delete_files={(deleteFiles ? "true" : "false")}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, $"the removal of model '{name}'", cancellationToken);
        return true;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var detail = await RegistryProblem.DetailAsync(response, cancellationToken);
        throw new RegistryException($"the Registry refused {what} ({(int)response.StatusCode}): {detail}", response.StatusCode);
    }
}
