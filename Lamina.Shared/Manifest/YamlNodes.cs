using YamlDotNet.Core;

namespace Lamina.Shared.Manifest;

// The manifest's own YAML tree, built from parser events: YamlDotNet's RepresentationModel
// throws on a duplicate key, and a duplicate is a problem to report with its line, not an
// exception. The three node kinds are tiny companions of the base, so they share this file.

/// <summary>One node of the YAML tree, with where it starts (1-based line and column) and ends in the text.</summary>
/// <remarks>Positions are ints, not YamlDotNet's Marks of three longs: a large manifest has hundreds of thousands of nodes.</remarks>
internal abstract class YamlNode(Mark start, Mark end)
{
    public int Index { get; } = (int)start.Index;

    public int Line { get; } = (int)start.Line;

    public int Column { get; } = (int)start.Column;

    /// <summary>Just past the node's last character (after a flow collection's closing bracket).</summary>
    public int EndIndex { get; set; } = (int)end.Index;
}

internal sealed class YamlScalar(Mark start, Mark end, string value, ScalarStyle style) : YamlNode(start, end)
{
    public string Value { get; } = value;

    public ScalarStyle Style { get; } = style;

    public bool IsPlain => Style is ScalarStyle.Plain or ScalarStyle.Any;

    /// <summary>An empty value, <c>~</c> or <c>null</c> written without quotes.</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public static YamlScalar Null(Mark at) => new(at, at, "", ScalarStyle.Plain);
}

internal sealed class YamlMapping(Mark start, bool isFlow) : YamlNode(start, start)
{
    public bool IsFlow { get; } = isFlow;

    public List<KeyValuePair<YamlNode, YamlNode>> Entries { get; } = [];
}

internal sealed class YamlSequence(Mark start, bool isFlow) : YamlNode(start, start)
{
    public bool IsFlow { get; } = isFlow;

    public List<YamlNode> Items { get; } = [];
}
