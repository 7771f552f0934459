using System.Net.Http.Json;
using System.Text.Json;
using Lamina.Shared.Contracts;

namespace Lamina.Shared.Clients;

/// <summary>The part of a ProblemDetails body that says what went wrong.</summary>
public sealed record RegistryProblem(string? Title, string? Detail)
{
    /// <summary>The body's detail (else its title, else the status's reason phrase), for an error message.</summary>
    public static async Task<string?> DetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync(LaminaJsonContext.Default.RegistryProblem, cancellationToken);
            return problem?.Detail ?? problem?.Title ?? response.ReasonPhrase;
        }
        catch (JsonException)
        {
            // Not a ProblemDetails body: a proxy between the services wrote it.
            return response.ReasonPhrase;
        }
    }
}
