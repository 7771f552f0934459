using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lamina.Engine.Apis.Contracts;

/// <summary>Source-generated JSON: no reflection on the request path or at startup.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(CompletionRequest))]
[JsonSerializable(typeof(EmbeddingRequest))]
[JsonSerializable(typeof(ChatCompletion))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(TextCompletion))]
[JsonSerializable(typeof(EmbeddingList))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(OpenAiErrorResponse))]
[JsonSerializable(typeof(ServerErrorResponse))]
[JsonSerializable(typeof(HealthStatus))]
internal sealed partial class EngineJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context every response is written with. Escaping is relaxed because API clients read
    /// these bodies, no HTML page embeds them: a quote stays a quote instead of \u0022.
    /// </summary>
    public static EngineJsonContext Api { get; } = new(WithEngineStyle(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    /// <summary>Gives minimal APIs' options the same style and the generated metadata.</summary>
    public static void Configure(JsonSerializerOptions options) =>
        WithEngineStyle(options).TypeInfoResolverChain.Insert(0, Default);

    private static JsonSerializerOptions WithEngineStyle(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }
}
