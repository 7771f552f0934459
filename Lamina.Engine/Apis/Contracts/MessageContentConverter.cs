using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lamina.Engine.Apis.Contracts;

/// <summary>A message's content: a string, or OpenAI's array of parts of which only text is supported.</summary>
internal sealed class MessageContentConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
            return reader.GetString()!;
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException("expected a string or an array of content parts");

        using var parts = JsonDocument.ParseValue(ref reader);
        var text = new StringBuilder();
        foreach (var part in parts.RootElement.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object
                || !part.TryGetProperty("type", out var type) || type.ValueEquals("text") is false
                || !part.TryGetProperty("text", out var value) || value.ValueKind != JsonValueKind.String)
                throw new JsonException("only content parts of type \"text\" with a \"text\" string are supported");
            text.Append(value.GetString());
        }

        return text.ToString();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
