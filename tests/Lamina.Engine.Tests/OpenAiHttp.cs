using System.Net.Http.Json;
using System.Text.Json;

namespace Lamina.Engine.Tests;

/// <summary>Speaks to the engine as an OpenAI client would: JSON in, JSON or server-sent events out.</summary>
public static class OpenAiHttp
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body, CancellationToken cancellationToken = default) =>
        client.PostAsJsonAsync(path, body, cancellationToken);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string body) =>
        client.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

    /// <summary>Sends and returns at the headers, so a test can read a stream as it comes.</summary>
    public static Task<HttpResponseMessage> PostStreamingAsync(this HttpClient client, string path, object body, CancellationToken cancellationToken = default) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) }, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>The data of every server-sent event, in order, until the stream ends.</summary>
    public static async Task<List<string>> ReadEventsAsync(this HttpResponseMessage response)
    {
        var events = new List<string>();
        await foreach (var data in response.EventsAsync())
            events.Add(data);
        return events;
    }

    public static async IAsyncEnumerable<string> EventsAsync(this HttpResponseMessage response)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
                yield return line["data: ".Length..];
        }
    }

    public static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static string Text(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    public static int Number(this JsonElement element, string property) => element.GetProperty(property).GetInt32();
}
