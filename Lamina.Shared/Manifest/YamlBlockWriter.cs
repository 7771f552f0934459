using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Lamina.Shared.Manifest;

/// <summary>Writes a model entry as block-style YAML, quoting only the values that need it.</summary>
internal static partial class YamlBlockWriter
{
    /// <summary><c>name:</c> and the entry's fields, each line after the first indented by <paramref name="indent"/> plus steps.</summary>
    public static string Entry(string name, JsonObject entry, int indent, int step, string newline)
    {
        var text = new StringBuilder(Scalar(name)).Append(':');
        Value(text, entry, indent, step, newline);
        return text.ToString();
    }

    private static void Value(StringBuilder text, JsonNode? node, int indent, int step, string newline)
    {
        switch (node)
        {
            case JsonObject { Count: > 0 } mapping:
                foreach (var (key, value) in mapping)
                {
                    text.Append(newline).Append(' ', indent + step).Append(Scalar(key)).Append(':');
                    Value(text, value, indent + step, step, newline);
                }

                break;
            case JsonArray { Count: > 0 } list:
                foreach (var item in list)
                {
                    text.Append(newline).Append(' ', indent + step).Append("- ").Append(Flow(item, nested: false));
                }

                break;
            default:
                text.Append(' ').Append(Flow(node, nested: false));
                break;
        }
    }

    // Inside a list, collections are written in flow style: still valid YAML, and lists of
    // lists are rare enough in a manifest not to deserve block layout.
    private static string Flow(JsonNode? node, bool nested) => node switch
    {
        null => "null",
        JsonObject mapping => $"{{{string.Join(", ", mapping.Select(pair => $"{Scalar(pair.Key, inFlow: true)}: {Flow(pair.Value, nested: true)}"))}}}",
        JsonArray list => $"[{string.Join(", ", list.Select(item => Flow(item, nested: true)))}]",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => Scalar(value.GetValue<string>(), nested),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => value.ToJsonString(),
            _ => "null",
        },
        _ => "null",
    };

    /// <summary>The text as a YAML scalar: plain when every YAML reader takes it as this text, else double-quoted.</summary>
    public static string Scalar(string text, bool inFlow = false)
    {
        // Inside [ ] or { } some readers end plain text at any ':', so there it is quoted.
        var colonsOk = inFlow ? !text.Contains(':', StringComparison.Ordinal) : !text.EndsWith(':') && !text.Contains(": ", StringComparison.Ordinal);
        if (PlainText().IsMatch(text) && colonsOk && !NotText().IsMatch(text))
        {
            return text;
        }

        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\u0085' => "\\N",
                '\u2028' => "\\L",
                '\u2029' => "\\P",
                '\uFEFF' => "\\uFEFF",
                _ when char.IsControl(c) => "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }

    // Letters, digits and a few marks, starting with a letter, digit, '_', '.' or '/': no
    // indicator ('#', '&', '*', '!', '|', '>', quotes, '%', '@', '`', '-', '?', ':', brackets).
    [GeneratedRegex(@"^[A-Za-z0-9_./][A-Za-z0-9_./+=()~: -]*(?<! )$")]
    private static partial Regex PlainText();

    // Plain text that YAML 1.1 or 1.2 readers (PyYAML, lamina-llm-serve) take as a number,
    // boolean, null or date rather than text.
    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|\.inf)|\.nan|~|null|true|false|y|yes|n|no|on|off|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex NotText();
}
