using System.Net.Http.Json;
using Lamina.Shared.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace Lamina.Gateway.Routing;

/// <summary>Asks the Runner to start a model; the call lasts as long as the model takes to load.</summary>
public sealed class RunnerClient(HttpClient http)
{
    public async Task<(InstanceInfo? Instance, int Status, string? Problem)> StartAsync(string model, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync($"/instances/{Uri.EscapeDataString(model)}/start", null, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return (await response.Content.ReadFromJsonAsync<InstanceInfo>(LaminaJson.Options, cancellationToken), 200, null);
        }

        var problem = await ReadProblemAsync(response, cancellationToken);
        return (null, (int)response.StatusCode, problem);
    }

    private static async Task<string> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(cancellationToken);
            return problem?.Detail ?? problem?.Title ?? response.ReasonPhrase ?? "the Runner refused the start";
        }
        catch (System.Text.Json.JsonException)
        {
            return $"the Runner answered {(int)response.StatusCode} {response.ReasonPhrase}";
        }
    }
}
