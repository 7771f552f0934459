using System.Net.Http.Json;
using Lamina.Shared.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace Lamina.Gateway.Routing;

/// <summary>Asks the Runner to start a model; the call lasts as long as the model takes to load.</summary>
public sealed class RunnerClient(HttpClient http)
{
    /// <summary>Starts the model, or finds it running; <paramref name="keepAlive"/> (Ollama's) sets how long it then stays loaded when idle.</summary>
    public Task<(InstanceInfo? Instance, int Status, string? Problem)> StartAsync(string model, string? keepAlive, CancellationToken cancellationToken) =>
        StartAsync(model, keepAlive, null, cancellationToken);

    /// <summary>Starts the model with the context length a request asks for (Ollama's <c>num_ctx</c>); a model running with another is started again.</summary>
    public async Task<(InstanceInfo? Instance, int Status, string? Problem)> StartAsync(string model, string? keepAlive, int? contextLength, CancellationToken cancellationToken)
    {
        using var body = keepAlive is null && contextLength is null
            ? null
            : JsonContent.Create(new StartBody(keepAlive, contextLength), options: LaminaJson.Options);
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync($"/instances/{Uri.EscapeDataString(model)}/start", body, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return (null, StatusCodes.Status503ServiceUnavailable, $"the Runner cannot be reached ({e.Message}); it may be restarting, try again in a few seconds");
        }

        using var _ = response;
        if (response.IsSuccessStatusCode)
        {
            return (await response.Content.ReadFromJsonAsync<InstanceInfo>(LaminaJson.Options, cancellationToken), 200, null);
        }

        var problem = await ReadProblemAsync(response, cancellationToken);
        return (null, (int)response.StatusCode, problem);
    }

    /// <summary>Every model server the Runner supervises.</summary>
    public async Task<IReadOnlyList<InstanceInfo>> ListInstancesAsync(CancellationToken cancellationToken)
    {
        var list = await http.GetFromJsonAsync<InstanceList>("/instances", LaminaJson.Options, cancellationToken);
        return list?.Instances ?? [];
    }

    /// <summary>Stops the model's server; false when it was not running.</summary>
    public async Task<bool> StopAsync(string model, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync($"/instances/{Uri.EscapeDataString(model)}/stop", null, cancellationToken);
        return response.IsSuccessStatusCode;
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
            return $"the Runner responded {(int)response.StatusCode} {response.ReasonPhrase}";
        }
    }

    private sealed record StartBody(string? KeepAlive, int? ContextLength);

    private sealed record InstanceList(IReadOnlyList<InstanceInfo> Instances);
}
