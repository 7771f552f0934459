using Lamina.Shared.Gguf;

namespace Lamina.Shared.Tests.Gguf;

public sealed class TruncationTests
{
    private static readonly GgufErrorKind[] _truncationKinds = [GgufErrorKind.NotGguf, GgufErrorKind.Truncated, GgufErrorKind.ExceedsFile];

    [Fact]
    public void TinyFileCutAtEveryByteOfItsHeaderIsRefusedAsTruncated()
    {
        var bytes = TinyFile.Bytes;
        var dataOffset = GgufReader.Read(new MemoryStream(bytes)).DataOffset;

        for (var length = 0; length <= dataOffset; length++)
        {
            var error = Assert.Throws<GgufFormatException>(() => GgufReader.Read(new MemoryStream(bytes, 0, length)));

            Assert.Contains(error.Kind, _truncationKinds);
            Assert.InRange(error.Offset, 0, length);
        }
    }

    [Fact]
    public void TinyFileMissingAnyPartOfItsTensorDataIsRefusedAsTruncated()
    {
        var bytes = TinyFile.Bytes;
        var dataOffset = (int)GgufReader.Read(new MemoryStream(bytes)).DataOffset;

        for (var length = dataOffset; length < bytes.Length; length += 997)
        {
            var error = Assert.Throws<GgufFormatException>(() => GgufReader.Read(new MemoryStream(bytes, 0, length)));

            Assert.Equal(GgufErrorKind.Truncated, error.Kind);
            Assert.Contains("incomplete download", error.Message);
        }

        Assert.Throws<GgufFormatException>(() => GgufReader.Read(new MemoryStream(bytes, 0, bytes.Length - 1)));
    }
}
