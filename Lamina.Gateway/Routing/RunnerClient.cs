using System.Net.Http.Json;
using Lamina.Shared.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace Lamina.Gateway.Routing;

/// <summary>Asks the Runner to start a model; the call lasts as long as the model takes to load.</summary>
public sealed class RunnerClient(HttpClient http)
{
    /// <summary>Starts the model, or finds it running; <paramref name="keepAlive"/> (Ollama's) sets how long it then stays loaded when idle.</summary>
    public async Task<(InstanceInfo? Instance, int Status, string? Problem)> StartAsync(string model, string? keepAlive, CancellationToken cancellationToken)
    {
        using var body = keepAlive is null ? null : JsonContent.Create(new { keep_alive = keepAlive });
        using var response = await http.PostAsync($"/instances/{Uri.EscapeDataString(model)}/start", body, cancellationToken);
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
