using Lamina.TestSupport.Gguf;

namespace Lamina.Shared.Tests.Gguf;

/// <summary>The tiny model's bytes, written once per test run.</summary>
internal static class TinyFile
{
    private static readonly Lazy<byte[]> _bytes = new(() =>
    {
        using var stream = new MemoryStream();
        TinyGguf.Write(stream);
        return stream.ToArray();
    });

    public static byte[] Bytes => _bytes.Value;

    // The shapes TinyWeights writes, from TinyGguf's constants.
    public const long HeadDim = TinyGguf.EmbeddingLength / TinyGguf.HeadCount;
    public const long KvDim = HeadDim * TinyGguf.HeadCountKv;

    /// <summary>Elements of the f16 matrices: token embedding and output, then per layer q, k, v, output and the three feed-forward ones.</summary>
    public const long F16Elements =
        2L * TinyGguf.EmbeddingLength * TinyGguf.VocabularySize +
        TinyGguf.BlockCount * (2L * TinyGguf.EmbeddingLength * TinyGguf.EmbeddingLength + 2L * TinyGguf.EmbeddingLength * KvDim +
                               3L * TinyGguf.EmbeddingLength * TinyGguf.FeedForwardLength);

    /// <summary>Elements of the f32 norms: two per layer and the output norm.</summary>
    public const long F32Elements = (2L * TinyGguf.BlockCount + 1) * TinyGguf.EmbeddingLength;

    public const int F16Tensors = 2 + 7 * TinyGguf.BlockCount;
    public const int F32Tensors = 2 * TinyGguf.BlockCount + 1;
}
