using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lamina.Shared.Contracts;

/// <summary>
/// Reads a list people write with bare numbers and flags in it (<c>args: [-ngl, 20, --mlock]</c>) as text,
/// and writes those items back as the numbers and flags they were.
/// </summary>
public sealed class TextListConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"expected a list, found {reader.TokenType}");
        }

        var items = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(reader.TokenType switch
            {
                JsonTokenType.True => "true",
                JsonTokenType.False => "false",
                JsonTokenType.Null => "",
                _ => new TextOrNumberConverter().Read(ref reader, typeof(string), options) ?? "",
            });
        }

        return items;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value)
        {
            switch (item)
            {
                case "true" or "false":
                    writer.WriteBooleanValue(item == "true");
                    break;
                default:
                    TextOrNumberConverter.WriteValue(writer, item);
                    break;
            }
        }

        writer.WriteEndArray();
    }
}
