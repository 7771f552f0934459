using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lamina.Shared.Manifest;

/// <summary>
/// The JSON form of YAML values, as the Registry shows them: plain <c>true</c>, numbers and
/// <c>null</c> become JSON's, anything quoted stays a string.
/// </summary>
/// <remarks>
/// The value is written as JSON text and parsed back: the resulting node keeps that text and
/// builds its children on first use (readers racing on that first use each get a complete
/// copy). A catalog of thousands of models then holds a few arrays per model instead of dozens
/// of small objects: a third of the memory, and much less copying by the collector while loading.
/// </remarks>
internal static class YamlJson
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    /// <summary>The mapping as a JSON object; a repeated key keeps its first value, as the validator serves it.</summary>
    public static JsonObject ToJson(YamlMapping mapping) => (JsonObject)Parse(mapping)!;

    /// <summary>A key's text; a key that is itself a list or mapping (rare, and never valid here) is shown as written.</summary>
    public static string KeyText(YamlNode key) => key is YamlScalar scalar ? scalar.Value : key.GetType().Name;

    private static JsonNode? Parse(YamlNode node)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>();
        buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, node);
        }

        return JsonNode.Parse(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter json, YamlNode node)
    {
        switch (node)
        {
            case YamlMapping mapping:
                json.WriteStartObject();
                var written = new HashSet<string>(mapping.Entries.Count, StringComparer.Ordinal);
                foreach (var (key, value) in mapping.Entries)
                {
                    if (written.Add(KeyText(key)))
                    {
                        json.WritePropertyName(KeyText(key));
                        Write(json, value);
                    }
                }

                json.WriteEndObject();
                break;
            case YamlSequence sequence:
                json.WriteStartArray();
                sequence.Items.ForEach(item => Write(json, item));
                json.WriteEndArray();
                break;
            case YamlScalar scalar:
                Scalar(json, scalar);
                break;
        }
    }

    private static void Scalar(Utf8JsonWriter json, YamlScalar scalar)
    {
        var value = scalar.Value;
        if (!scalar.IsPlain)
        {
            json.WriteStringValue(value);
        }
        else if (scalar.IsNull)
        {
            json.WriteNullValue();
        }
        else if (value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            json.WriteBooleanValue(value[0] is 't' or 'T');
        }
        else if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            json.WriteNumberValue(number);
        }
        else if (LooksLikeReal(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            json.WriteNumberValue(real);
        }
        else
        {
            json.WriteStringValue(value);
        }
    }

    // double.TryParse also takes "Infinity" and "NaN", which YAML spells .inf and .nan and JSON cannot hold.
    private static bool LooksLikeReal(string value) => value.Length > 0 && (char.IsAsciiDigit(value[^1]) || value[^1] == '.');
}
