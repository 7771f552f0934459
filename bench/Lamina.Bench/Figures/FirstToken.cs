using System.Text.Json.Nodes;
using System.Net.Http.Json;

namespace Lamina.Bench.Figures;

/// <summary>Sends a streaming chat request and returns once the first content token arrives.</summary>
public static class FirstToken
{
    public static async Task ReadAsync(HttpClient client, string model, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model,
                messages = new[] { new { role = "user", content = "Hello" } },
                max_tokens = 16,
                ignore_eos = true,
                stream = true,
            }),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: {", StringComparison.Ordinal)
                && JsonNode.Parse(line["data: ".Length..])?["choices"]?[0]?["delta"]?["content"] is JsonValue content
                && content.GetValue<string>().Length > 0)
            {
                return;
            }
        }

        throw new InvalidOperationException("the stream ended without a content token");
    }
}
