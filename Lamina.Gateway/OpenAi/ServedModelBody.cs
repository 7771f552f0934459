using System.Text.Json.Nodes;

namespace Lamina.Gateway.OpenAi;

/// <summary>
/// Puts the model id a backend answers to into a request's body. MLC LLM serves only the model
/// string of its command line (the model's folder), not the name clients know it by.
/// </summary>
public static class ServedModelBody
{
    public static async Task RewriteAsync(HttpRequest request, string served, CancellationToken cancellationToken)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken))!;
        body["model"] = served;
        var bytes = System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());
        request.Body = new MemoryStream(bytes);
        request.ContentLength = bytes.Length;
    }
}
