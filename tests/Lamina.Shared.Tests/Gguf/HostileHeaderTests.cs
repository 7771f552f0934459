using Lamina.Shared.Gguf;

namespace Lamina.Shared.Tests.Gguf;

/// <summary>Headers that lie about their sizes: each must be refused with the offset of the lie, before anything is allocated.</summary>
public sealed class HostileHeaderTests
{
    [Fact]
    public void HeaderClaiming2To63EntriesIsRefusedAtTheEntryCount()
    {
        var error = Refused(new HeaderBuilder(0, 1UL << 63).Zeros(120).ToArray());

        Assert.Equal(GgufErrorKind.ExceedsFile, error.Kind);
        Assert.Equal(16, error.Offset);
        Assert.Contains("metadata entry count 9223372036854775808 at offset 16", error.Message);
    }

    [Fact]
    public void HeaderClaiming2To63TensorsIsRefusedAtTheTensorCount()
    {
        var error = Refused(new HeaderBuilder(1UL << 63, 0).Zeros(120).ToArray());

        Assert.Equal(GgufErrorKind.ExceedsFile, error.Kind);
        Assert.Equal(8, error.Offset);
    }

    [Theory]
    [InlineData(9223372036854775807UL)]
    [InlineData(9223372036854775808UL)]
    [InlineData(ulong.MaxValue)]
    [InlineData(121UL)]
    public void KeyLongerThanTheFileIsRefusedWithTheBytesLeft(ulong length)
    {
        var error = Refused(new HeaderBuilder(0, 1).U64(length).Zeros(120).ToArray());

        Assert.Equal(GgufErrorKind.ExceedsFile, error.Kind);
        Assert.Equal(24, error.Offset);
        Assert.EndsWith($"length {length} at offset 24 exceeds the 120 bytes left", error.Message);
    }

    [Fact]
    public void StringValueOf2To63BytesIsRefused()
    {
        var error = Refused(new HeaderBuilder(0, 1).Key("general.name", GgufValueType.String).U64(1UL << 63).Zeros(64).ToArray());

        Assert.Equal(GgufErrorKind.ExceedsFile, error.Kind);
        Assert.Equal(24 + 8 + 12 + 4, error.Offset);
        Assert.Contains("metadata 'general.name'", error.Message);
    }

    [Theory]
    [InlineData(GgufValueType.String)]
    [InlineData(GgufValueType.UInt8)]
    [InlineData(GgufValueType.UInt64)]
    public void ArrayOf2To62ElementsIsRefusedWithoutCountingThem(GgufValueType elementType)
    {
        var error = Refused(new HeaderBuilder(0, 1).Key("tokenizer.ggml.tokens", GgufValueType.Array)
            .U32((uint)elementType).U64(1UL << 62).Zeros(64).ToArray());

        Assert.Equal(GgufErrorKind.ExceedsFile, error.Kind);
        Assert.Equal(24 + 8 + 21 + 4 + 4, error.Offset);
        Assert.Contains("4611686018427387904 elements", error.Message);
    }

    [Fact]
    public void StringInsideAnArrayThatRunsPastTheEndIsRefused()
    {
        var error = Refused(new HeaderBuilder(0, 1).Key("tokenizer.ggml.tokens", GgufValueType.Array)
            .U32((uint)GgufValueType.String).U64(3).Str("a").U64(1UL << 40).Zeros(8).ToArray());

        Assert.Equal(GgufErrorKind.ExceedsFile, error.Kind);
        Assert.Contains("string in metadata 'tokenizer.ggml.tokens'", error.Message);
    }

    [Fact]
    public void TensorWithAThousandDimensionsIsRefused()
    {
        var error = Refused(new HeaderBuilder(1, 0).Str("t").U32(1000).Zeros(64).ToArray());

        Assert.Equal(GgufErrorKind.Invalid, error.Kind);
        Assert.Equal(24 + 8 + 1, error.Offset);
        Assert.Contains("1000 dimensions", error.Message);
    }

    [Fact]
    public void TensorWhoseDimensionsMultiplyPast2To63IsRefused()
    {
        var error = Refused(new HeaderBuilder(1, 0).Tensor("t", [1UL << 32, 1UL << 32], GgmlType.F32, 0).Zeros(64).ToArray());

        Assert.Equal(GgufErrorKind.Invalid, error.Kind);
        Assert.Contains("4294967296 x 4294967296 multiply past 2^63", error.Message);
    }

    [Fact]
    public void TensorDimensionPast2To63IsRefused()
    {
        var error = Refused(new HeaderBuilder(1, 0).Tensor("t", [ulong.MaxValue], GgmlType.F32, 0).Zeros(64).ToArray());

        Assert.Equal(GgufErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void TensorWhoseByteSizeOverflowsIsRefused()
    {
        var error = Refused(new HeaderBuilder(1, 0).Tensor("t", [1UL << 31, 1UL << 31], GgmlType.F32, 0).Zeros(64).ToArray());

        Assert.Equal(GgufErrorKind.Invalid, error.Kind);
        Assert.Contains("size in bytes overflows", error.Message);
    }

    [Fact]
    public void TensorOffsetNearTheTopOfTheRangeIsRefused()
    {
        var error = Refused(new HeaderBuilder(1, 0).Tensor("t", [32], GgmlType.F32, long.MaxValue - 31).Zeros(64).ToArray());

        Assert.Equal(GgufErrorKind.Invalid, error.Kind);
        Assert.Contains("overflows", error.Message);
    }

    [Fact]
    public void MoreEntriesThanAnyModelHasAreRefusedEvenWhenTheBytesAreThere()
    {
        var error = Refused(new HeaderBuilder(0, (ulong)GgufLimits.MaxKeyValueCount + 1).Zeros(1_000_000).ToArray());

        Assert.Equal(GgufErrorKind.LimitExceeded, error.Kind);
        Assert.Equal(16, error.Offset);
    }

    [Fact]
    public void KeyLongerThanTheKeyLimitIsRefused()
    {
        var error = Refused(new HeaderBuilder(0, 1).Entry(new string('k', GgufLimits.MaxKeyBytes + 1), 1).Zeros(8).ToArray());

        Assert.Equal(GgufErrorKind.LimitExceeded, error.Kind);
        Assert.Equal(24, error.Offset);
    }

    [Fact]
    public void HeaderThatNeverEndsStopsAtTheHeaderLimitInsteadOfScanningForever()
    {
        // 2^26 empty strings, the worst case for work per byte: the count fits the 4 GiB of zeros, the header limit does not.
        var head = new HeaderBuilder(0, 1).Key("tokenizer.ggml.tokens", GgufValueType.Array)
            .U32((uint)GgufValueType.String).U64(1UL << 26).ToArray();

        var error = Assert.Throws<GgufFormatException>(() => GgufReader.Read(new ZeroTailStream(head, 4L << 30)));

        Assert.Equal(GgufErrorKind.LimitExceeded, error.Kind);
    }

    private static GgufFormatException Refused(byte[] bytes) =>
        Assert.Throws<GgufFormatException>(() => GgufReader.Read(new MemoryStream(bytes)));
}
