using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Lamina.Shared.Manifest;

/// <summary>Builds the manifest's YAML tree from parser events, reporting what breaks it.</summary>
internal static class YamlTreeReader
{
    /// <summary>The first document's root (null when empty), or <c>Broken</c> when the text is not YAML.</summary>
    /// <remarks><c>UsesAnchors</c> tells whether any node has an anchor or is an alias: such a file cannot be read in parts.</remarks>
    /// <param name="onModel">
    /// When given, gets each entry of the top-level <c>models</c> mapping as soon as it is complete;
    /// the tree then keeps that entry's key and value without the value's children. A large
    /// manifest is checked entry by entry instead of held whole, which is most of its load time.
    /// </param>
    public static (YamlNode? Root, bool Broken, bool UsesAnchors) Read(TextReader text, ProblemList problems, Action<YamlMapping, YamlNode, YamlNode>? onModel = null)
    {
        // A byte-order mark left in the text would otherwise become part of the first key.
        if (text.Peek() == '\uFEFF')
        {
            text.Read();
        }

        var parser = new Parser(text);
        var open = new List<(YamlNode Node, YamlNode? Key, AnchorName Anchor)>();
        var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        YamlNode? root = null;
        YamlMapping? models = null;
        var documents = 0;
        var usesAnchors = false;
        var last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                last = current.End;
                if (current is DocumentStart && ++documents == 2)
                {
                    problems.Add(current.Start, "", "only the first YAML document is read; remove this '---' and what follows it, or merge it into the first document");
                }

                if (documents > 1)
                {
                    continue;
                }

                switch (current)
                {
                    case Scalar scalar:
                        Complete(new YamlScalar(scalar.Start, scalar.End, scalar.Value, scalar.Style), scalar.Anchor);
                        break;
                    case AnchorAlias alias:
                        Complete(Resolve(alias), AnchorName.Empty);
                        break;
                    case SequenceStart sequence:
                        open.Add((new YamlSequence(sequence.Start, sequence.Style == SequenceStyle.Flow), null, sequence.Anchor));
                        break;
                    case MappingStart mapping:
                        var node = new YamlMapping(mapping.Start, mapping.Style == MappingStyle.Flow);
                        if (models is null && open is [{ Key: YamlScalar { Value: "models" } }])
                        {
                            models = node;
                        }

                        open.Add((node, null, mapping.Anchor));
                        break;
                    case SequenceEnd or MappingEnd:
                        var (collection, key, anchor) = open[^1];
                        if (key is not null)
                        {
                            // YamlDotNet reads a line of just ':' as a key with no value and goes on as
                            // if it were not there; other readers take it as an empty key.
                            open[^1] = (collection, null, anchor);
                            problems.Add(key, PathOf(open), "a ':' with no name before it; write the name before the ':' or remove it");
                        }

                        open.RemoveAt(open.Count - 1);
                        collection.EndIndex = EndOf(collection, current.End);
                        Complete(collection, anchor);
                        break;
                }
            }
        }
        catch (YamlException e)
        {
            Broken(e.Start, e.Message);
            return (null, true, usesAnchors);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this instead of a YamlException on some broken flow
            // collections ("a: [1,\nb: 2"): it is still bad YAML, to report like the others.
            Broken(last, e.Message);
            return (null, true, usesAnchors);
        }

        return (root, false, usesAnchors);

        YamlNode Resolve(AnchorAlias alias)
        {
            usesAnchors = true;
            if (anchors.TryGetValue(alias.Value.Value, out var target))
            {
                return target;
            }

            problems.Add(alias.Start, PathOf(open), $"'*{alias.Value.Value}' refers to no anchor before it; define '&{alias.Value.Value}' on an earlier value or write the value here");
            return YamlScalar.Null(alias.Start);
        }

        void Complete(YamlNode node, AnchorName anchor)
        {
            if (!anchor.IsEmpty)
            {
                usesAnchors = true;
                anchors[anchor.Value] = node;
            }

            if (open.Count == 0)
            {
                root = node;
                return;
            }

            var (parent, key, parentAnchor) = open[^1];
            if (parent is YamlSequence sequence)
            {
                sequence.Items.Add(node);
            }
            else if (key is null)
            {
                open[^1] = (parent, node, parentAnchor);
            }
            else
            {
                ((YamlMapping)parent).Entries.Add(new(key, node));
                open[^1] = (parent, null, parentAnchor);
                if (onModel is not null && parent == models)
                {
                    onModel(models, key, node);
                    // An anchored entry may be repeated by an alias later, so it stays whole.
                    if (node is YamlMapping { Entries.Count: > 0 } entry && anchor.IsEmpty)
                    {
                        entry.Entries.Clear();
                        entry.Entries.Capacity = 0;
                    }
                }
            }
        }

        void Broken(Mark at, string message)
        {
            message = message.TrimEnd('.');
            // An unclosed bracket is found only where the parser gives up, often lines later:
            // the bracket itself is the place to fix.
            var flow = open.FindLastIndex(frame => frame.Node is YamlSequence { IsFlow: true } or YamlMapping { IsFlow: true });
            if (flow >= 0)
            {
                var (bracket, close) = open[flow].Node is YamlSequence ? ('[', ']') : ('{', '}');
                problems.Add(open[flow].Node, PathOf(open.Take(flow)), $"not valid YAML: the '{bracket}' here is not closed where the parser expected ({message} at line {at.Line}, column {at.Column}); close it with '{close}' or write the value in block style");
                return;
            }

            problems.Add(at, PathOf(open), $"not valid YAML: {message}; fix the text at this position");
        }
    }

    private static int EndOf(YamlNode node, Mark closing) => node switch
    {
        YamlSequence { IsFlow: true } or YamlMapping { IsFlow: true } => (int)closing.Index + 1,
        YamlSequence { Items.Count: > 0 } sequence => sequence.Items[^1].EndIndex,
        YamlMapping { Entries.Count: > 0 } mapping => mapping.Entries[^1].Value.EndIndex,
        _ => node.Index,
    };

    /// <summary>The dotted path of the place being parsed, like <c>models.qwen.download</c>.</summary>
    private static string PathOf(IEnumerable<(YamlNode Node, YamlNode? Key, AnchorName Anchor)> open)
    {
        var path = new StringBuilder();
        foreach (var (node, key, _) in open)
        {
            if (node is YamlSequence sequence)
            {
                path.Append('[').Append(sequence.Items.Count).Append(']');
            }
            else if (key is YamlScalar scalar)
            {
                path.Append(path.Length > 0 ? "." : "").Append(scalar.Value);
            }
        }

        return path.ToString();
    }
}
