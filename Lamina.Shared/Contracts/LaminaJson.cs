using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lamina.Shared.Contracts;

/// <summary>The JSON conventions of every Lamina API: snake_case, as lamina-llm-serve answered.</summary>
public static class LaminaJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        return options;
    }
}
