using System.Text.Json.Nodes;

namespace Lamina.Shared.Manifest;

/// <summary>
/// The <c>models</c> mapping of a manifest's text, located by the parser's marks so an entry
/// can be spliced in or out while every other byte stays as it was.
/// </summary>
internal sealed class ModelsSection
{
    private const int DefaultStep = 2;

    private readonly string _bom;
    private readonly string _text;
    private readonly string _newline;
    private readonly YamlNode? _key;
    private readonly YamlNode? _value;

    private ModelsSection(string bom, string text, YamlNode? key, YamlNode? value)
    {
        _bom = bom;
        _text = text;
        _newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        _key = key;
        _value = value;
    }

    /// <summary>The section of <paramref name="text"/>, or the problems that keep it from being edited.</summary>
    public static (ModelsSection? Section, IReadOnlyList<ManifestProblem> Problems) Open(string text, string source)
    {
        // The reader skips a byte-order mark, so positions do not count it: splice without it, put it back after.
        var bom = text.StartsWith('\uFEFF') ? "\uFEFF" : "";
        text = text[bom.Length..];
        var problems = new ProblemList(source);
        var (root, broken, _) = YamlTreeReader.Read(new StringReader(text), problems);
        if (broken)
        {
            return (null, problems.Sorted());
        }

        if (root is not (null or YamlScalar { IsNull: true } or YamlMapping { IsFlow: false }))
        {
            problems.Add(root, "", "the top level must be a block mapping (models: on its own line) for the file to be edited; fix it by hand first");
            return (null, problems.Sorted());
        }

        var models = (root as YamlMapping)?.Entries.FirstOrDefault(entry => entry.Key is YamlScalar { Value: "models" });
        if (models?.Value is YamlMapping { IsFlow: true, Entries.Count: > 0 } or YamlSequence or YamlScalar { IsNull: false })
        {
            problems.Add(models.Value.Value, "models", "must be a block mapping (each model on its own lines) for the file to be edited; rewrite it in block style first");
            return (null, problems.Sorted());
        }

        return (new ModelsSection(bom, text, models?.Key, models?.Value), []);
    }

    /// <summary>Every entry of the model, in file order (more than one is a duplicate to fix by hand).</summary>
    public List<KeyValuePair<YamlNode, YamlNode>> Entries(string name) =>
        _value is YamlMapping mapping ? [.. mapping.Entries.Where(entry => entry.Key is YamlScalar scalar && scalar.Value == name)] : [];

    /// <summary>The text with the entry replaced in place, or added after the last model.</summary>
    public string Upsert(string name, JsonObject entry) => _bom + Spliced(name, entry);

    private string Spliced(string name, JsonObject entry)
    {
        if (_value is YamlMapping { IsFlow: false } mapping)
        {
            var indent = mapping.Entries[0].Key.Column - 1;
            var written = YamlBlockWriter.Entry(name, entry, indent, Step(mapping), _newline);
            if (Entries(name) is [var existing])
            {
                return Splice(existing.Key.Index, LineEnd(ContentEnd(existing.Value)), written);
            }

            var last = mapping.Entries[^1];
            var separator = mapping.Entries.Count > 1 && IsBlank(PreviousLine(LineStart(last.Key.Index))) ? _newline + _newline : _newline;
            var end = LineEnd(ContentEnd(last.Value));
            return Splice(end, end, separator + new string(' ', indent) + written);
        }

        var entryIndent = _key is null ? DefaultStep : _key.Column - 1 + DefaultStep;
        var block = _newline + new string(' ', entryIndent) + YamlBlockWriter.Entry(name, entry, entryIndent, DefaultStep, _newline);
        if (_key is null)
        {
            var head = _text.Length == 0 || _text.EndsWith('\n') ? _text : _text + _newline;
            return head + (head.Trim().Length > 0 ? _newline : "") + "models:" + block + _newline;
        }

        // "models:" with nothing, "~" or "{}" after it: the empty value goes, the entries follow the key's line.
        var valueStart = _value!.Index;
        var valueEnd = _value.EndIndex;
        var text = valueEnd > valueStart ? _text[..valueStart].TrimEnd(' ', '\t') + _text[valueEnd..] : _text;
        var at = LineEnd(text, Math.Min(_key.EndIndex, text.Length));
        return text[..at] + block + text[at..];
    }

    /// <summary>The text without the entry's lines (and without a blank line its removal would double).</summary>
    public string Remove(KeyValuePair<YamlNode, YamlNode> entry)
    {
        var start = LineStart(entry.Key.Index);
        var end = NextLineStart(LineEnd(ContentEnd(entry.Value)));
        if ((start == 0 || IsBlank(PreviousLine(start))) && end < _text.Length && IsBlank(_text[end..NextLineStart(LineEnd(_text, end))]))
        {
            end = NextLineStart(LineEnd(_text, end));
        }

        return _bom + _text[..start] + _text[end..];
    }

    // The indentation the file's entries use for their fields, for the new entry to match.
    private static int Step(YamlMapping models) =>
        models.Entries.Select(entry => entry.Value is YamlMapping { IsFlow: false } fields
            ? fields.Entries[0].Key.Column - entry.Key.Column : 0).FirstOrDefault(step => step > 0, DefaultStep);

    private string Splice(int start, int end, string replacement) => _text[..start] + replacement + _text[end..];

    /// <summary>Just past a value's last character: a block scalar's end mark lies after its trailing blank lines.</summary>
    private int ContentEnd(YamlNode value)
    {
        var end = value.EndIndex;
        while (end > value.Index && char.IsWhiteSpace(_text[end - 1]))
        {
            end--;
        }

        return end;
    }

    private int LineStart(int index) => index == 0 ? 0 : _text.LastIndexOf('\n', index - 1) + 1;

    private int LineEnd(int index) => LineEnd(_text, index);

    /// <summary>Where the line holding <paramref name="index"/> ends, before its line break.</summary>
    private static int LineEnd(string text, int index)
    {
        var newline = text.IndexOf('\n', index);
        return newline < 0 ? text.Length : newline > 0 && text[newline - 1] == '\r' ? newline - 1 : newline;
    }

    private int NextLineStart(int lineEnd) =>
        lineEnd >= _text.Length ? _text.Length : _text[lineEnd] == '\r' ? Math.Min(lineEnd + 2, _text.Length) : lineEnd + 1;

    private string PreviousLine(int lineStart) => lineStart == 0 ? "" : _text[LineStart(lineStart - 1)..lineStart];

    private static bool IsBlank(string line) => string.IsNullOrWhiteSpace(line);
}
