using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Lamina.Shared.Contracts;

/// <summary>
/// Reads a field people write either way (<c>keep_alive: 300</c> or <c>keep_alive: "5m"</c>) as its text,
/// and writes text that is a number as that number, so a value keeps the form the manifest gave it.
/// </summary>
public sealed partial class TextOrNumberConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => reader.TryGetInt64(out var whole)
            ? whole.ToString(CultureInfo.InvariantCulture)
            : reader.GetDouble().ToString(CultureInfo.InvariantCulture),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"expected text or a number, found {reader.TokenType}"),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => WriteValue(writer, value);

    /// <summary>Writes <paramref name="value"/> as a JSON number when it is one, else as a string.</summary>
    public static void WriteValue(Utf8JsonWriter writer, string value)
    {
        if (JsonNumber().IsMatch(value))
        {
            writer.WriteRawValue(value);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]{0,17})(\.[0-9]+)?$")]
    private static partial Regex JsonNumber();
}
