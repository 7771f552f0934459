using System.Runtime.InteropServices;

using Lamina.Shared.Gguf;

namespace Lamina.TestSupport.Gguf;

/// <summary>Seeded random tensors in the shapes llama.cpp's `llama` architecture expects.</summary>
internal sealed class TinyWeights(int seed, IReadOnlyList<(string Piece, int Type)> vocabulary)
{
    private readonly SplitMix64 _random = new((ulong)seed);

    public IEnumerable<GgufTensor> Create()
    {
        const int embd = TinyGguf.EmbeddingLength;
        const int headDim = TinyGguf.EmbeddingLength / TinyGguf.HeadCount;
        const int kvDim = headDim * TinyGguf.HeadCountKv;
        const int ff = TinyGguf.FeedForwardLength;
        var vocab = vocabulary.Count;

        yield return Matrix("token_embd.weight", embd, vocab, 0.3f, row => (0, 1f));
        for (var i = 0; i < TinyGguf.BlockCount; i++)
        {
            yield return Ones($"blk.{i}.attn_norm.weight", embd);
            yield return Matrix($"blk.{i}.attn_q.weight", embd, embd, 0.1f);
            yield return Matrix($"blk.{i}.attn_k.weight", embd, kvDim, 0.1f);
            yield return Matrix($"blk.{i}.attn_v.weight", embd, kvDim, 0.1f);
            yield return Matrix($"blk.{i}.attn_output.weight", embd, embd, 0.1f);
            yield return Ones($"blk.{i}.ffn_norm.weight", embd);
            yield return Matrix($"blk.{i}.ffn_gate.weight", embd, ff, 0.1f);
            yield return Matrix($"blk.{i}.ffn_up.weight", embd, ff, 0.1f);
            yield return Matrix($"blk.{i}.ffn_down.weight", ff, embd, 0.1f);
        }

        yield return Ones("output_norm.weight", embd);
        yield return Matrix("output.weight", embd, vocab, 0.5f, row =>
            (0, TinyVocabulary.IsFavoured(vocabulary[row].Piece, vocabulary[row].Type) ? 1f : -1f));
    }

    // Every embedding shares a large component on dimension 0 and the output rows read it with
    // a sign per token, so favoured tokens win by a wide margin whatever the random rest says:
    // generated text is words, never stray bytes or control tokens.
    private GgufTensor Matrix(string name, int columns, int rows, float scale, Func<int, (int Column, float Value)>? fixedCell = null)
    {
        var data = new byte[columns * rows * sizeof(ushort)];
        var span = MemoryMarshal.Cast<byte, ushort>(data.AsSpan());
        for (var r = 0; r < rows; r++)
        {
            var cell = fixedCell?.Invoke(r);
            for (var c = 0; c < columns; c++)
            {
                var value = _random.NextSigned() * scale;
                if (cell is { } fixedValue && fixedValue.Column == c)
                    value = fixedValue.Value;
                span[r * columns + c] = BitConverter.HalfToUInt16Bits((Half)value);
            }
        }

        return new GgufTensor(name, [columns, rows], GgmlType.F16, data);
    }

    private static GgufTensor Ones(string name, int length)
    {
        var data = new byte[length * sizeof(float)];
        MemoryMarshal.Cast<byte, float>(data.AsSpan()).Fill(1f);
        return new GgufTensor(name, [length], GgmlType.F32, data);
    }
}
