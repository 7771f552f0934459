namespace Lamina.Shared.Gguf;

/// <summary>
/// The file is not a GGUF header Lamina can read. <see cref="Offset"/> is the byte where the
/// problem was found, counted from the start of the GGUF data; the message says what is wrong there.
/// </summary>
public sealed class GgufFormatException(GgufErrorKind kind, long offset, string message) : Exception(message)
{
    public GgufErrorKind Kind { get; } = kind;

    public long Offset { get; } = offset;
}
