using Lamina.Shared.Gguf;

namespace Lamina.Shared.Tests.Gguf;

public sealed class InvalidFileTests
{
    [Fact]
    public void FileWithoutTheMagicIsNotAGgufFile()
    {
        byte[] elf = [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, .. new byte[56]];

        var error = Refused(elf);

        Assert.Equal(GgufErrorKind.NotGguf, error.Kind);
        Assert.Equal(0, error.Offset);
        Assert.StartsWith("not a GGUF file (magic 7F454C46 \".ELF\"", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void FileShorterThanTheMagicIsNotAGgufFile(int length)
    {
        var error = Refused(TinyFile.Bytes[..length]);

        Assert.Equal(GgufErrorKind.NotGguf, error.Kind);
        Assert.Contains($"only {length} bytes long", error.Message);
    }

    [Fact]
    public void VersionOneIsRefusedWithWhatToDoAboutIt()
    {
        var error = Refused(new HeaderBuilder(0, 0, version: 1).ToArray());

        Assert.Equal(GgufErrorKind.UnsupportedVersion, error.Kind);
        Assert.Equal(4, error.Offset);
        Assert.StartsWith("unsupported GGUF version 1", error.Message);
        Assert.Contains("llama.cpp", error.Message);
    }

    [Fact]
    public void BigEndianFileIsRefusedAsBigEndian()
    {
        var error = Refused(new HeaderBuilder(0, 0, version: 0x03000000).ToArray());

        Assert.Equal(GgufErrorKind.UnsupportedVersion, error.Kind);
        Assert.StartsWith("big-endian GGUF", error.Message);
    }

    [Fact]
    public void VersionTwoIsRead()
    {
        var info = GgufReader.Read(new MemoryStream(new HeaderBuilder(0, 1, version: 2).Entry("general.architecture", "llama").ToArray()));

        Assert.Equal(2, info.Version);
        Assert.Equal("llama", info.Architecture);
        Assert.Equal(0, info.TensorCount);
    }

    [Fact]
    public void ErrorsFromAFileNameIt()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new HeaderBuilder(0, 0, version: 1).ToArray());

            var error = Assert.Throws<GgufFormatException>(() => GgufReader.Read(path));

            Assert.StartsWith($"{path}: unsupported GGUF version 1", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UnknownValueTypeIsRefused()
    {
        var error = Refused(new HeaderBuilder(0, 1).Key("general.name", (GgufValueType)13).Zeros(16).ToArray());

        Assert.Equal(GgufErrorKind.Invalid, error.Kind);
        Assert.Contains("unknown value type 13", error.Message);
    }

    [Fact]
    public void NestedArrayIsRefused()
    {
        var error = Refused(new HeaderBuilder(0, 1).Key("a", GgufValueType.Array).U32((uint)GgufValueType.Array).Zeros(16).ToArray());

        Assert.Equal(GgufErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void DuplicateKeyIsRefusedAtItsSecondAppearance()
    {
        var builder = new HeaderBuilder(0, 2).Entry("general.name", "a");
        var secondAt = builder.Length;

        var error = Refused(builder.Entry("general.name", "b").ToArray());

        Assert.Equal(GgufErrorKind.Invalid, error.Kind);
        Assert.Equal(secondAt, error.Offset);
    }

    [Fact]
    public void AlignmentThatIsNotAPowerOfTwoIsRefused()
    {
        var error = Refused(new HeaderBuilder(0, 1).Entry("general.alignment", 48).ToArray());

        Assert.Equal(GgufErrorKind.Invalid, error.Kind);
        Assert.Contains("power of two", error.Message);
    }

    [Fact]
    public void TensorOffsetOffTheAlignmentIsRefused()
    {
        var error = Refused(new HeaderBuilder(1, 0).Tensor("t", [8], GgmlType.F32, 4).Zeros(64).ToArray());

        Assert.Equal(GgufErrorKind.Invalid, error.Kind);
        Assert.Contains("alignment 32", error.Message);
    }

    [Fact]
    public void RowThatIsNotWholeBlocksIsRefused()
    {
        var error = Refused(new HeaderBuilder(1, 0).Tensor("blk.0.attn_q.weight", [100, 4], GgmlType.Q4_K, 0).Zeros(1024).ToArray());

        Assert.Equal(GgufErrorKind.Invalid, error.Kind);
        Assert.Contains("q4_K blocks of 256", error.Message);
    }

    [Fact]
    public void TensorDataPastTheEndOfTheFileIsAnIncompleteFile()
    {
        var error = Refused(new HeaderBuilder(1, 0).Tensor("output.weight", [256, 2], GgmlType.Q8_0, 0).Zeros(100).ToArray());

        Assert.Equal(GgufErrorKind.Truncated, error.Kind);
        Assert.Contains("tensor 'output.weight' ends at byte", error.Message);
    }

    [Fact]
    public void UnknownTensorTypeIsCountedAndFlaggedAndTheDataSectionStandsInForItsSize()
    {
        var bytes = new HeaderBuilder(2, 0)
            .Tensor("a", [256], GgmlType.Q4_K, 0)
            .Tensor("b", [256], 99, 160)
            .Zeros(64 + 160 + 500).ToArray();

        var info = GgufReader.Read(new MemoryStream(bytes));

        Assert.True(info.HasUnknownTensorTypes);
        Assert.Equal(new Dictionary<string, int> { ["q4_K"] = 1, ["type_99"] = 1 }, info.Quantization.TensorTypes);
        Assert.Equal(512, info.ParameterCount);
        Assert.Equal(144, info.TensorBytes);
        Assert.Equal(bytes.Length - info.DataOffset, info.EstimateMemory().WeightsBytes);
    }

    [Fact]
    public void EveryCommonGgmlTypeHasItsLlamaCppSize()
    {
        // Bytes of one 256-element row, as ggml_row_size gives them.
        (GgmlType Type, int Bytes)[] rows =
        [
            (GgmlType.F32, 1024), (GgmlType.F16, 512), (GgmlType.BF16, 512), (GgmlType.F64, 2048),
            (GgmlType.Q4_0, 144), (GgmlType.Q4_1, 160), (GgmlType.Q5_0, 176), (GgmlType.Q5_1, 192), (GgmlType.Q8_0, 272), (GgmlType.Q8_1, 288),
            (GgmlType.Q2_K, 84), (GgmlType.Q3_K, 110), (GgmlType.Q4_K, 144), (GgmlType.Q5_K, 176), (GgmlType.Q6_K, 210), (GgmlType.Q8_K, 292),
            (GgmlType.IQ2_XXS, 66), (GgmlType.IQ2_XS, 74), (GgmlType.IQ2_S, 82), (GgmlType.IQ3_XXS, 98), (GgmlType.IQ3_S, 110),
            (GgmlType.IQ1_S, 50), (GgmlType.IQ1_M, 56), (GgmlType.IQ4_NL, 144), (GgmlType.IQ4_XS, 136),
            (GgmlType.I8, 256), (GgmlType.I16, 512), (GgmlType.I32, 1024), (GgmlType.I64, 2048),
            (GgmlType.TQ1_0, 54), (GgmlType.TQ2_0, 66), (GgmlType.MXFP4, 136),
        ];

        foreach (var (type, bytes) in rows)
        {
            var layout = GgmlTypeLayout.Find((uint)type)!;
            Assert.Equal((type, bytes), (type, 256 / layout.BlockSize * layout.TypeSize));
        }
    }

    [Theory]
    [InlineData(1, "F16")]
    [InlineData(7, "Q8_0")]
    [InlineData(15, "Q4_K_M")]
    [InlineData(18, "Q6_K")]
    [InlineData(32, "BF16")]
    [InlineData(1024 + 15, "Q4_K_M")]
    [InlineData(5, null)]
    public void FileTypesHaveTheNamesLlamaQuantizeGivesThem(int fileType, string? name)
    {
        Assert.Equal(name, LlamaFileType.NameOf(fileType));
    }

    private static GgufFormatException Refused(byte[] bytes) =>
        Assert.Throws<GgufFormatException>(() => GgufReader.Read(new MemoryStream(bytes)));
}
