using Lamina.Shared.Gguf;

namespace Lamina.TestSupport.Gguf;

/// <summary>One tensor: dimensions innermost first, as ggml's ne[] lists them.</summary>
internal sealed record GgufTensor(string Name, long[] Dimensions, GgmlType Type, byte[] Data);
