using Lamina.Shared.Gguf;
using Lamina.TestSupport.Gguf;

namespace Lamina.Shared.Tests.Gguf;

public sealed class GgufReaderTests
{
    [Fact]
    public void TinyModelHeaderGivesEveryFieldTinyGgufWrote()
    {
        var info = GgufReader.Read(new MemoryStream(TinyFile.Bytes));

        Assert.Equal(3, info.Version);
        Assert.Equal(TinyGguf.Architecture, info.Architecture);
        Assert.Equal(TinyGguf.ModelName, info.Name);
        Assert.Equal(1, info.FileType);
        Assert.Equal(TinyGguf.ContextLength, info.ContextLength);
        Assert.Equal(TinyGguf.EmbeddingLength, info.EmbeddingLength);
        Assert.Equal(TinyGguf.BlockCount, info.BlockCount);
        Assert.Equal(TinyGguf.HeadCount, info.HeadCount);
        Assert.Equal(TinyGguf.HeadCountKv, info.HeadCountKv);
        Assert.Equal(TinyGguf.VocabularySize, info.VocabularySize);
        Assert.True(info.HasChatTemplate);
        Assert.Equal(TinyGguf.ChatTemplate, info.ChatTemplate);
        Assert.Equal(TinyGguf.Alignment, info.Alignment);
        Assert.Equal(TinyFile.Bytes.Length, info.FileLength);
        Assert.False(info.HasUnknownTensorTypes);
    }

    [Fact]
    public void ParameterCountIsTheSumOfTheTensorShapes()
    {
        var info = GgufReader.Read(new MemoryStream(TinyFile.Bytes));

        Assert.Equal(TinyFile.F16Tensors + TinyFile.F32Tensors, info.TensorCount);
        Assert.Equal(TinyFile.F16Elements + TinyFile.F32Elements, info.ParameterCount);
    }

    [Fact]
    public void TensorBytesAreTwoPerF16AndFourPerF32ElementAndFillTheDataSection()
    {
        var info = GgufReader.Read(new MemoryStream(TinyFile.Bytes));

        Assert.Equal(TinyFile.F16Elements * 2 + TinyFile.F32Elements * 4, info.TensorBytes);
        Assert.Equal(0, info.DataOffset % TinyGguf.Alignment);
        // Every tiny tensor is a multiple of 32 bytes, so the data section has no padding.
        Assert.Equal(info.FileLength - info.DataOffset, info.TensorBytes);
    }

    [Fact]
    public void QuantizationNamesTheFileTypeAndCountsTensorsByType()
    {
        var quantization = GgufReader.Read(new MemoryStream(TinyFile.Bytes)).Quantization;

        Assert.Equal("F16", quantization.FileTypeName);
        Assert.Equal(new Dictionary<string, int> { ["f16"] = TinyFile.F16Tensors, ["f32"] = TinyFile.F32Tensors }, quantization.TensorTypes);
        Assert.Equal($"F16 (f16: {TinyFile.F16Tensors}, f32: {TinyFile.F32Tensors})", quantization.ToString());
    }

    [Fact]
    public void MetadataKeepsScalarsAsStoredAndDescribesArraysWithoutTheirElements()
    {
        var metadata = GgufReader.Read(new MemoryStream(TinyFile.Bytes)).Metadata;

        Assert.Equal((uint)TinyGguf.EosTokenId, metadata["tokenizer.ggml.eos_token_id"]);
        Assert.Equal(TinyGguf.RmsNormEpsilon, metadata["llama.attention.layer_norm_rms_epsilon"]);
        Assert.Equal(true, metadata["tokenizer.ggml.add_bos_token"]);
        Assert.Equal("llama", metadata["tokenizer.ggml.model"]);
        Assert.Equal(new GgufArrayInfo(GgufValueType.String, TinyGguf.VocabularySize), metadata["tokenizer.ggml.tokens"]);
        Assert.Equal(new GgufArrayInfo(GgufValueType.Float32, TinyGguf.VocabularySize), metadata["tokenizer.ggml.scores"]);
        Assert.Equal(new GgufArrayInfo(GgufValueType.Int32, TinyGguf.VocabularySize), metadata["tokenizer.ggml.token_type"]);
    }

    [Fact]
    public void ReadingAFileGivesTheSameAsReadingItsBytes()
    {
        var path = TinyGguf.WriteTemp();
        try
        {
            var fromFile = GgufReader.Read(path);
            var fromBytes = GgufReader.Read(new MemoryStream(TinyFile.Bytes));

            Assert.Equal(fromBytes with { Metadata = fromFile.Metadata, Quantization = fromFile.Quantization }, fromFile);
            Assert.Equal(fromBytes.Quantization.ToString(), fromFile.Quantization.ToString());
            Assert.True(GgufReader.IsGguf(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void IsGgufLooksOnlyAtTheMagic()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, "GGU"u8.ToArray());
            Assert.False(GgufReader.IsGguf(path));
            File.WriteAllBytes(path, [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1]);
            Assert.False(GgufReader.IsGguf(path));
            File.WriteAllBytes(path, "GGUF"u8.ToArray());
            Assert.True(GgufReader.IsGguf(path));
        }
        finally
        {
            File.Delete(path);
        }

        Assert.False(GgufReader.IsGguf(path));
        Assert.True(GgufReader.IsGguf(TinyFile.Bytes.AsSpan(0, 4)));
    }

    [Fact]
    public void ReadingStartsAtTheStreamsPositionAndOffsetsCountFromThere()
    {
        var stream = new MemoryStream();
        stream.Write(new byte[100]);
        stream.Write(TinyFile.Bytes);
        stream.Position = 100;

        var info = GgufReader.Read(stream);

        Assert.Equal(TinyFile.Bytes.Length, info.FileLength);
        Assert.Equal(TinyGguf.ModelName, info.Name);
    }
}
