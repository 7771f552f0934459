using System.Diagnostics;
using Lamina.Shared.Gguf;
using Xunit.Abstractions;

namespace Lamina.Shared.Tests.Gguf;

public sealed class PerformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void HeaderOfAFourGigabyteModelWithALargeVocabularyReadsInMilliseconds()
    {
        var (head, length) = Llama8BLikeHeader();
        GgufReader.Read(new ZeroTailStream(head, length));

        var clock = Stopwatch.StartNew();
        var info = GgufReader.Read(new ZeroTailStream(head, length));
        clock.Stop();

        output.WriteLine($"{head.Length / 1024} KiB header of a {length >> 20} MiB model read in {clock.Elapsed.TotalMilliseconds:F2} ms");
        Assert.Equal(128_256, info.VocabularySize);
        Assert.Equal("Q4_K_M", info.Quantization.FileTypeName);
        Assert.InRange(info.TensorBytes, 4L << 30, length);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public void TinyFileParsesInWellUnderAMillisecond()
    {
        var bytes = TinyFile.Bytes;
        GgufReader.Read(new MemoryStream(bytes));

        const int rounds = 200;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < rounds; i++)
        {
            GgufReader.Read(new MemoryStream(bytes));
        }

        var each = clock.Elapsed / rounds;
        output.WriteLine($"tiny file header ({GgufReader.Read(new MemoryStream(bytes)).DataOffset} bytes) read in {each.TotalMicroseconds:F1} µs");
        Assert.InRange(each, TimeSpan.Zero, TimeSpan.FromMilliseconds(5));
    }

    // Llama 3 8B's shapes: 128,256 tokens and 280,147 merges in the header, 291 tensors of Q4_K
    // and Q6_K, about 4.6 GiB of tensor data that the stream pretends is there.
    private static (byte[] Head, long Length) Llama8BLikeHeader()
    {
        const int vocab = 128_256, embd = 4096, ff = 14_336, kv = 1024, layers = 32;
        var tensors = new List<(string Name, ulong[] Dims, GgmlType Type)>
        {
            ("token_embd.weight", [embd, vocab], GgmlType.Q4_K),
            ("output.weight", [embd, vocab], GgmlType.Q6_K),
            ("output_norm.weight", [embd], GgmlType.F32),
        };
        for (var i = 0; i < layers; i++)
        {
            tensors.Add(($"blk.{i}.attn_norm.weight", [embd], GgmlType.F32));
            tensors.Add(($"blk.{i}.ffn_norm.weight", [embd], GgmlType.F32));
            tensors.Add(($"blk.{i}.attn_q.weight", [embd, embd], GgmlType.Q4_K));
            tensors.Add(($"blk.{i}.attn_k.weight", [embd, kv], GgmlType.Q4_K));
            tensors.Add(($"blk.{i}.attn_v.weight", [embd, kv], GgmlType.Q6_K));
            tensors.Add(($"blk.{i}.attn_output.weight", [embd, embd], GgmlType.Q4_K));
            tensors.Add(($"blk.{i}.ffn_gate.weight", [embd, ff], GgmlType.Q4_K));
            tensors.Add(($"blk.{i}.ffn_up.weight", [embd, ff], GgmlType.Q4_K));
            tensors.Add(($"blk.{i}.ffn_down.weight", [ff, embd], GgmlType.Q6_K));
        }

        var builder = new HeaderBuilder((ulong)tensors.Count, 8)
            .Entry("general.architecture", "llama")
            .Entry("general.file_type", 15)
            .Entry("llama.context_length", 8192)
            .Entry("llama.block_count", layers);
        StringArray(builder, "tokenizer.ggml.tokens", vocab, i => $"token{i}");
        StringArray(builder, "tokenizer.ggml.merges", 280_147, i => $"m{i} e{i % 977}");
        builder.Key("tokenizer.ggml.scores", GgufValueType.Array).U32((uint)GgufValueType.Float32).U64(vocab).Zeros(vocab * 4);
        builder.Key("tokenizer.ggml.token_type", GgufValueType.Array).U32((uint)GgufValueType.Int32).U64(vocab).Zeros(vocab * 4);

        var offset = 0L;
        foreach (var (name, dims, type) in tensors)
        {
            builder.Tensor(name, dims, type, (ulong)offset);
            var layout = GgmlTypeLayout.Find((uint)type)!;
            offset += (dims.Aggregate(1L, (product, d) => product * (long)d) / layout.BlockSize * layout.TypeSize + 31) / 32 * 32;
        }

        var head = builder.ToArray();
        return (head, (head.Length + 31) / 32 * 32 + offset);
    }

    private static void StringArray(HeaderBuilder builder, string key, int count, Func<int, string> element)
    {
        builder.Key(key, GgufValueType.Array).U32((uint)GgufValueType.String).U64((ulong)count);
        for (var i = 0; i < count; i++)
        {
            builder.Str(element(i));
        }
    }
}
