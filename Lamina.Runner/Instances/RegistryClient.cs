using System.Net;
using System.Net.Http.Json;
using Lamina.Shared.Contracts;

namespace Lamina.Runner.Instances;

/// <summary>Asks the Registry where a model's files are and whether they can run.</summary>
public sealed class RegistryClient(HttpClient http)
{
    /// <summary>The model, its memory estimated at <paramref name="contextLength"/> (else its own); null when the manifest does not know it.</summary>
    public async Task<CatalogModel?> FindAsync(string name, int? contextLength, CancellationToken cancellationToken)
    {
        var query = contextLength is { } context ? $"?context_length={context}" : "";
        using var response = await http.GetAsync($"/models/{Uri.EscapeDataString(name)}{query}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<CatalogModel>(LaminaJson.Options, cancellationToken);
    }
}
