using YamlDotNet.Core;

namespace Lamina.Shared.Manifest;

/// <summary>
/// A manifest's text with what reading it gave. A later version that changes only model entries
/// is read by parsing just those entries again: on a catalog of thousands of models, parsing the
/// whole text is most of a reload, and an edit usually touches one entry.
/// </summary>
public sealed class ManifestDocument
{
    private const char ByteOrderMark = '\uFEFF';

    private readonly string _body;
    private readonly ModelSpans? _spans;

    private ManifestDocument(string text, string source, ManifestLoadResult result, ModelSpans? spans, bool readInPart)
    {
        Text = text;
        Source = source;
        Result = result;
        ReadInPart = readInPart;
        _body = text.TrimStart(ByteOrderMark);
        _spans = spans;
    }

    public string Text { get; }

    /// <summary>Names the file in problems (usually its path).</summary>
    public string Source { get; }

    public ManifestLoadResult Result { get; }

    /// <summary>Whether this version was read by parsing only the entries that changed.</summary>
    public bool ReadInPart { get; }

    /// <summary>Reads the whole text.</summary>
    public static ManifestDocument Read(string text, string source)
    {
        var body = text.TrimStart(ByteOrderMark);
        var problems = new ProblemList(source);
        var table = new ModelTable(problems);
        var (root, broken, usesAnchors) = YamlTreeReader.Read(new StringReader(body), problems, table.Add);
        var (manifest, unreadable) = broken ? (ModelManifest.Empty, true) : ManifestValidator.Validate(root, problems, table);
        var result = new ManifestLoadResult(manifest, problems.Sorted(), unreadable);
        // Only a clean file is read in parts later: a problem's line and column come from a whole reading.
        var spans = result.IsClean && !usesAnchors ? ModelSpans.Of(body, root, table) : null;
        return new ManifestDocument(text, source, result, spans, readInPart: false);
    }

    /// <summary>
    /// Reads a new version of the text: only the changed model entries when the change lies
    /// within them and both versions are clean, else the whole text. Either way the result is
    /// what <see cref="Read"/> would give.
    /// </summary>
    public ManifestDocument Update(string text)
    {
        if (text == Text)
        {
            return this;
        }

        var patched = _spans?.Patch(_body, text.TrimStart(ByteOrderMark), Source);
        return patched is { } part
            ? new ManifestDocument(text, Source, part.Result, part.Spans, readInPart: true)
            : Read(text, Source);
    }
}
