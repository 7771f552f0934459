using System.Net;
using System.Net.Http.Json;
using Lamina.Shared.Contracts;

namespace Lamina.Runner.Instances;

/// <summary>Asks the Registry where a model's files are and whether they can run.</summary>
public sealed class RegistryClient(HttpClient http)
{
    /// <summary>The model, or null when the manifest does not know it.</summary>
    public async Task<CatalogModel?> FindAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/models/{Uri.EscapeDataString(name)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<CatalogModel>(LaminaJson.Options, cancellationToken);
    }
}
