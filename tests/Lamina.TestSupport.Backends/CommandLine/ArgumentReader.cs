using System.Globalization;

namespace Lamina.TestSupport.Backends.CommandLine;

/// <summary>
/// Walks a command line one argument at a time and takes option values the way argparse does;
/// with <c>inlineValues</c> off it behaves like llama.cpp's parser, which knows no <c>--flag=value</c>.
/// </summary>
internal sealed class ArgumentReader(IReadOnlyList<string> args, bool inlineValues)
{
    private int _index = -1;
    private string? _inline;

    /// <summary>The current argument, without any <c>=value</c> part.</summary>
    public string Current { get; private set; } = "";

    public bool IsOption => LooksLikeOption(Current);

    public List<string> Unrecognized { get; } = [];

    public bool MoveNext()
    {
        if (++_index >= args.Count)
            return false;
        var arg = args[_index];
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        (Current, _inline) = inlineValues && arg.StartsWith("--", StringComparison.Ordinal) && equals > 2
            ? (arg[..equals], arg[(equals + 1)..])
            : (arg, null);
        return true;
    }

    /// <summary>Notes the current argument, with its inline value, as one the program does not know.</summary>
    public void Reject() => Unrecognized.Add(args[_index]);

    public string Value()
    {
        if (_inline is not null)
            return _inline;
        // llama.cpp takes the next word whatever it looks like; argparse refuses one that looks like an option.
        if (_index + 1 < args.Count && (!inlineValues || !LooksLikeOption(args[_index + 1])))
            return args[++_index];
        throw new UsageException($"argument {Current}: expected one argument");
    }

    /// <summary>argparse's <c>nargs='+'</c>: every following word up to the next option.</summary>
    public IReadOnlyList<string> Values()
    {
        if (_inline is not null)
            return [_inline];
        var values = new List<string>();
        while (_index + 1 < args.Count && !LooksLikeOption(args[_index + 1]))
            values.Add(args[++_index]);
        return values.Count > 0 ? values : throw new UsageException($"argument {Current}: expected at least one argument");
    }

    public int Int()
    {
        var value = Value();
        return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new UsageException($"argument {Current}: invalid int value: '{value}'");
    }

    public double Float()
    {
        var value = Value();
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new UsageException($"argument {Current}: invalid float value: '{value}'");
    }

    public string Choice(params string[] choices)
    {
        var value = Value();
        return choices.Contains(value)
            ? value
            : throw new UsageException(
                $"argument {Current}: invalid choice: '{value}' (choose from {string.Join(", ", choices.Select(c => $"'{c}'"))})");
    }

    /// <summary>A value that may be left out (llama-server's <c>-fa [on|off|auto]</c>): taken only when it is one of the choices.</summary>
    public string? OptionalChoice(params string[] choices)
    {
        if (_inline is not null || _index + 1 >= args.Count || !choices.Contains(args[_index + 1]))
            return _inline;
        return args[++_index];
    }

    /// <summary>A switch: argparse refuses <c>--switch=value</c>.</summary>
    public void Switch()
    {
        if (_inline is not null)
            throw new UsageException($"argument {Current}: ignored explicit argument '{_inline}'");
    }

    private static bool LooksLikeOption(string arg) =>
        arg.Length > 1 && arg[0] == '-' && !double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
