using YamlDotNet.Core;

namespace Lamina.Shared.Manifest;

/// <summary>
/// Where each entry of a clean manifest's <c>models</c> block lies in its text, with the entry as
/// read, so a new version of the text can be read by parsing only the entries a change falls in.
/// </summary>
/// <remarks>
/// Positions inside the kept YAML nodes go stale as text before them changes; they only ever
/// place problems, and a version with any problem is read whole instead.
/// </remarks>
internal sealed class ModelSpans
{
    // A run of entries is parsed alone under this head: at its first line the parser is where it
    // was in the whole file, inside the models mapping at the entries' indentation.
    private const string Head = "models:\n";

    private readonly YamlMapping _root;
    private readonly int _modelsAt;
    private readonly List<Entry> _entries;
    private readonly int _end;
    private readonly int _column;

    private ModelSpans(YamlMapping root, int modelsAt, List<Entry> entries, int end, int column)
    {
        _root = root;
        _modelsAt = modelsAt;
        _entries = entries;
        _end = end;
        _column = column;
    }

    /// <summary>One entry: its name and (childless) value nodes, how it read, and the line its span starts at.</summary>
    private readonly record struct Entry(YamlScalar Key, YamlNode Value, ReadModel Read, int Start);

    /// <summary>The spans of a tree read whole, or null when its shape cannot be read in parts.</summary>
    public static ModelSpans? Of(string text, YamlNode? root, ModelTable table)
    {
        if (root is not YamlMapping { IsFlow: false } top
            || top.Entries.FindIndex(entry => entry.Key is YamlScalar { Value: "models" }) is not (>= 0 and var at)
            || top.Entries[at].Value is not YamlMapping { IsFlow: false, Entries.Count: > 0 } models
            || table.Section != models || table.Read.Count != models.Entries.Count)
        {
            return null;
        }

        var entries = new List<Entry>(models.Entries.Count);
        for (var i = 0; i < models.Entries.Count; i++)
        {
            var (key, read) = table.Read[i];
            entries.Add(new Entry(key, models.Entries[i].Value, read, LineStart(text, key.Index)));
        }

        var end = at + 1 < top.Entries.Count ? LineStart(text, top.Entries[at + 1].Key.Index) : text.Length;
        return new ModelSpans(top, at, entries, end, entries[0].Key.Column);
    }

    /// <summary>
    /// The new text read by parsing only the entries its change falls in, or null when it must be
    /// read whole: the change reaches outside the entries, or the new version has any problem.
    /// </summary>
    public (ManifestLoadResult Result, ModelSpans? Spans)? Patch(string before, string after, string source)
    {
        var prefix = before.AsSpan().CommonPrefixLength(after);
        var suffix = CommonSuffixLength(before, after, Math.Min(before.Length, after.Length) - prefix);
        var changedEnd = before.Length - suffix;
        var delta = after.Length - before.Length;
        var first = LastStartAtOrBefore(prefix);
        if (first < 0 || changedEnd > _end)
        {
            return null;
        }

        // Lines put before an entry's name may belong to the entry above (a block scalar's text,
        // or the blank lines a '|+' keeps), so that entry is read again with them.
        if (first > 0 && prefix <= _entries[first].Start + _entries[first].Key.Column - 1)
        {
            first--;
        }

        // The entries after the segment are kept only if their first line still starts a line:
        // a change that reaches an entry's line break joins the next line to the segment.
        var last = first;
        while (last + 1 < _entries.Count && (SpanEnd(last) < changedEnd || !StartsLine(after, SpanEnd(last) + delta)))
        {
            last++;
        }

        var start = _entries[first].Start;
        var end = SpanEnd(last) + delta;
        if (!StartsLine(after, end) || HasDocumentMarker(after, start, end) || ReadSegment(after[start..end], source) is not { } read)
        {
            return null;
        }

        var entries = new List<Entry>(_entries.Count - (last - first + 1) + read.Count);
        entries.AddRange(_entries.Take(first));
        // Offsets in the segment count the head; in the new text they count what precedes the segment.
        entries.AddRange(read.Select(entry => entry with { Start = LineStart(after, start + entry.Key.Index - Head.Length) }));
        entries.AddRange(_entries.Skip(last + 1).Select(entry => entry with { Start = entry.Start + delta }));
        return Validate(entries, _end + delta, source);
    }

    /// <summary>The entries of a segment parsed alone, or null when it has a problem or is more than entries.</summary>
    private List<Entry>? ReadSegment(string segment, string source)
    {
        var problems = new ProblemList(source);
        var table = new ModelTable(problems);
        var (root, broken, usesAnchors) = YamlTreeReader.Read(new StringReader(Head + segment), problems, table.Add);
        if (broken || usesAnchors || problems.Count > 0 || root is not YamlMapping { Entries: [{ Key: YamlScalar { Value: "models" }, Value: var value }] })
        {
            return null;
        }

        if (value is YamlScalar { IsNull: true })
        {
            return [];
        }

        if (value is not YamlMapping { IsFlow: false } models || table.Read.Count != models.Entries.Count
            || models.Entries.Any(entry => entry.Key.Column != _column))
        {
            return null;
        }

        return [.. models.Entries.Select((entry, i) => new Entry(table.Read[i].Key, entry.Value, table.Read[i].Read, 0))];
    }

    /// <summary>Checks the entries against each other and the other sections, as a whole reading would.</summary>
    private (ManifestLoadResult, ModelSpans?)? Validate(List<Entry> entries, int end, string source)
    {
        var old = _root.Entries[_modelsAt];
        var models = new YamlMapping(At(old.Value), isFlow: false);
        models.Entries.AddRange(entries.Select(entry => new KeyValuePair<YamlNode, YamlNode>(entry.Key, entry.Value)));
        var root = new YamlMapping(At(_root), isFlow: false);
        root.Entries.AddRange(_root.Entries);
        root.Entries[_modelsAt] = new(old.Key, models);

        var problems = new ProblemList(source);
        var table = new ModelTable(problems);
        entries.ForEach(entry => table.Reuse(models, entry.Key, entry.Read));
        var (manifest, unreadable) = ManifestValidator.Validate(root, problems, table);
        if (problems.Count > 0 || unreadable)
        {
            return null;
        }

        var spans = entries.Count > 0 ? new ModelSpans(root, _modelsAt, entries, end, _column) : null;
        return (new ManifestLoadResult(manifest, [], Unreadable: false), spans);
    }

    private int SpanEnd(int entry) => entry + 1 < _entries.Count ? _entries[entry + 1].Start : _end;

    private int LastStartAtOrBefore(int index)
    {
        int low = 0, high = _entries.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (_entries[middle].Start <= index)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }

    private static int CommonSuffixLength(string before, string after, int limit)
    {
        var length = 0;
        while (length < limit && before[before.Length - 1 - length] == after[after.Length - 1 - length])
        {
            length++;
        }

        return length;
    }

    private static bool StartsLine(string text, int index) => index == 0 || index == text.Length || text[index - 1] == '\n';

    /// <summary>
    /// Whether a line of the segment is <c>---</c> or <c>...</c>: parsed alone the document just ends
    /// there, in the whole text what follows it is another document.
    /// </summary>
    private static bool HasDocumentMarker(string text, int start, int end)
    {
        for (var line = start; line < end; line = text.IndexOf('\n', line) is var newline and >= 0 ? newline + 1 : end)
        {
            var marker = text.AsSpan(line, Math.Min(3, end - line));
            if ((marker is "---" or "...") && (line + 3 == text.Length || char.IsWhiteSpace(text[line + 3])))
            {
                return true;
            }
        }

        return false;
    }

    private static int LineStart(string text, int index) => index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;

    private static Mark At(YamlNode node) => new(node.Index, node.Line, node.Column);
}
