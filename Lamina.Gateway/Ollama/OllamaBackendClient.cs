using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Gateway.Routing;

namespace Lamina.Gateway.Ollama;

/// <summary>Sends the OpenAI requests an Ollama request becomes to the model's backend, and reads its refusals.</summary>
public sealed class OllamaBackendClient(BackendForwarder backends)
{
    /// <summary>Posts the body on the forwarder's pooled connections and returns as soon as the headers arrive, so a stream is read as it is made.</summary>
    public async Task<HttpResponseMessage> PostAsync(string endpoint, string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{endpoint.TrimEnd('/')}{path}") { Content = JsonContent.Create(body) };
        return await backends.SendAsync(request, cancellationToken);
    }

    /// <summary>The message of a backend's error response (OpenAI's shape, or its text).</summary>
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
}
