namespace Lamina.Shared.Gguf;

/// <summary>
/// A metadata array as the header describes it. Its elements are skipped, not decoded: a
/// tokenizer's 150,000 tokens would cost megabytes and milliseconds nobody asked for.
/// </summary>
public sealed record GgufArrayInfo(GgufValueType ElementType, long Count);
