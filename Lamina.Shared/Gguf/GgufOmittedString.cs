namespace Lamina.Shared.Gguf;

/// <summary>A metadata string longer than <see cref="GgufLimits"/> lets the reader keep; only its length is known.</summary>
public sealed record GgufOmittedString(long ByteLength);
