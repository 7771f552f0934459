using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lamina.TestSupport.Backends.Apis;

/// <summary>OpenAI's JSON spelling (snake_case), for the minimal API results and the stream chunks alike.</summary>
internal static class BackendJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        // Python's json leaves ` and " readable; so does this, keeping messages such as vLLM's "The model `x`" as they print.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }
}
