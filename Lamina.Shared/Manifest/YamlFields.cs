using System.Globalization;

namespace Lamina.Shared.Manifest;

/// <summary>Reads typed values out of YAML nodes, reporting each value that is not what its field needs.</summary>
internal sealed class YamlFields(ProblemList problems, string? model)
{
    /// <summary>Reports a problem of the value at <paramref name="at"/>, counted against this reader's model.</summary>
    public void Report(YamlNode at, string field, string message) => problems.Add(at, field, message, model);

    /// <summary>A mapping's entries by key, the first of a repeated key kept and the repeat reported.</summary>
    public Dictionary<string, (YamlNode Key, YamlNode Value)> Entries(YamlMapping mapping, string field)
    {
        var entries = new Dictionary<string, (YamlNode, YamlNode)>(mapping.Entries.Count, StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Entries)
        {
            if (key is not YamlScalar { Value: var name })
            {
                Report(key, field, "a key must be text; write it as name: value");
            }
            else if (!entries.TryAdd(name, (key, value)))
            {
                Report(key, Join(field, name), $"'{name}' is given twice in this mapping; keep one");
            }
        }

        return entries;
    }

    /// <summary>The text of a scalar; null when absent or null, reported when a list or mapping.</summary>
    public string? Text(YamlNode? node, string field, string expected)
    {
        switch (node)
        {
            case null or YamlScalar { IsNull: true }:
                return null;
            case YamlScalar scalar:
                return scalar.Value;
            default:
                Report(node, field, $"must be {expected}, not a {Kind(node)}");
                return null;
        }
    }

    /// <summary>A list of non-empty texts (numbers read as written); empty when absent.</summary>
    public IReadOnlyList<string> TextList(YamlNode? node, string field, string expected)
    {
        if (node is null or YamlScalar { IsNull: true })
        {
            return [];
        }

        if (node is not YamlSequence sequence)
        {
            Report(node, field, $"must be a list of {expected}, like [a, b], not {Describe(node)}");
            return [];
        }

        var items = new List<string>(sequence.Items.Count);
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var item = sequence.Items[i];
            var itemField = $"{field}[{i}]";
            if (item is YamlScalar { IsNull: true })
            {
                Report(item, itemField, "is empty; write a value or remove the item");
            }
            else if (Text(item, itemField, "text") is { } text)
            {
                items.Add(text);
            }
        }

        return items;
    }

    /// <summary>A plain whole number from <paramref name="minimum"/> up; null when absent.</summary>
    public int? Integer(YamlNode? node, string field, int minimum, string meaning)
    {
        if (node is null or YamlScalar { IsNull: true })
        {
            return null;
        }

        if (node is YamlScalar { IsPlain: true } scalar
            && int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            && number >= minimum)
        {
            return number;
        }

        Report(node, field, $"must be {meaning}; got {Describe(node)}");
        return null;
    }

    public static string Join(string field, string name) => field.Length == 0 ? name : $"{field}.{name}";

    /// <summary>A value as a message shows it: <c>'abc'</c>, <c>"4096" (quoted text)</c> or <c>a list</c>.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlScalar { IsPlain: true } scalar => $"'{scalar.Value}'",
        YamlScalar scalar => $"\"{scalar.Value}\" (quoted text)",
        _ => $"a {Kind(node)}",
    };

    private static string Kind(YamlNode node) => node is YamlSequence ? "list" : node is YamlMapping ? "mapping" : "value";
}
