namespace Lamina.Shared.Gguf;

/// <summary>Reads metadata values whatever integer type the writer chose for them.</summary>
internal static class GgufValues
{
    public static long? AsInteger(object? value) => value switch
    {
        byte v => v,
        sbyte v => v,
        ushort v => v,
        short v => v,
        uint v => v,
        int v => v,
        ulong v when v <= long.MaxValue => (long)v,
        long v => v,
        _ => null,
    };

    /// <summary>A non-negative integer that fits an int, or null: counts and lengths in real files always do.</summary>
    public static int? AsCount(object? value) =>
        AsInteger(value) is { } v && v is >= 0 and <= int.MaxValue ? (int)v : null;
}
