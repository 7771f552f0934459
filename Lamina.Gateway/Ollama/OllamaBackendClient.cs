using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lamina.Gateway.Ollama;

/// <summary>Sends the OpenAI requests an Ollama request becomes to the model's backend, and reads its refusals.</summary>
public sealed class OllamaBackendClient : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        ActivityHeadersPropagator = DistributedContextPropagator.Current,
    })
    {
        // A long generation is not a dead backend: the client's disconnect is what ends it.
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Posts the body and returns as soon as the headers arrive, so a stream is read as it is made.</summary>
    public async Task<HttpResponseMessage> PostAsync(string endpoint, string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{endpoint.TrimEnd('/')}{path}") { Content = JsonContent.Create(body) };
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>The message of a backend's error answer (OpenAI's shape, or its text).</summary>
    public static async Task<string> ErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            var error = JsonNode.Parse(text)?["error"];
            var message = error is JsonObject detail ? detail["message"]?.ToString() : error?.ToString();
            if (!string.IsNullOrWhiteSpace(message))
            {
                return message;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the text itself says what happened.
        }

        return string.IsNullOrWhiteSpace(text) ? $"{(int)response.StatusCode} {response.ReasonPhrase}" : text.Trim();
    }

    public void Dispose() => _http.Dispose();
}
