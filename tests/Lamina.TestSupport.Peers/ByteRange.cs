namespace Lamina.TestSupport.Peers;

/// <summary>A span of a file's bytes that one response sends.</summary>
internal readonly record struct ByteRange(long Start, long Length)
{
    /// <summary>The answer to a range that starts past the end of the content (416).</summary>
    public static ByteRange Unsatisfiable { get; } = new(0, -1);

    public bool IsUnsatisfiable => Length < 0;

    public long End => Start + Length;

    public string ContentRange(long total) => $"bytes {Start}-{End - 1}/{total}";
}
