using System.Buffers.Binary;
using Lamina.TestSupport.Gguf;

namespace Lamina.Engine.Tests;

public sealed class TinyGgufTests
{
    [Fact]
    public void SameSeedWritesTheSameBytes()
    {
        Assert.Equal(Write(seed: 5), Write(seed: 5));
    }

    [Fact]
    public void DifferentSeedsWriteDifferentWeights()
    {
        var a = Write(seed: 5);
        var b = Write(seed: 6);

        Assert.Equal(a.Length, b.Length);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void FileIsASmallGgufVersion3()
    {
        var bytes = Write(TinyGguf.DefaultSeed);

        Assert.Equal("GGUF"u8.ToArray(), bytes[..4]);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.InRange(bytes.Length, 1, 512 * 1024);
        Assert.Equal(0, bytes.Length % TinyGguf.Alignment);
    }

    [Fact]
    public void WriteTempCreatesAFileWithTheSameBytes()
    {
        var path = TinyGguf.WriteTemp(seed: 9);
        try
        {
            Assert.Equal(Write(seed: 9), File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] Write(int seed)
    {
        using var stream = new MemoryStream();
        TinyGguf.Write(stream, seed);
        return stream.ToArray();
    }
}
