using System.Buffers.Binary;

namespace Lamina.Shared.Gguf;

/// <summary>
/// Reads a GGUF header in file order: magic, version, the two counts, the metadata, then the
/// tensor infos; checks that the tensor data they describe fits in the file; never reads it.
/// </summary>
internal sealed class GgufHeaderParser(GgufByteReader reader)
{
    // The smallest a metadata entry or tensor info can be: what a count is checked against before the loop.
    private const int MinEntryBytes = 8 + 4 + 1;
    private const int MinTensorInfoBytes = 8 + 4 + 4 + 8;

    public GgufModelInfo Parse()
    {
        var version = ReadPreamble();
        var tensorCountOffset = reader.Position;
        var tensorCount = ReadCount("tensor count", GgufLimits.MaxTensorCount, MinTensorInfoBytes);
        var entryCount = ReadCount("metadata entry count", GgufLimits.MaxKeyValueCount, MinEntryBytes);

        var metadata = new GgufMetadataReader(reader);
        for (var i = 0L; i < entryCount; i++)
        {
            metadata.ReadEntry(i);
        }

        CheckCount("tensor count", (ulong)tensorCount, tensorCountOffset, MinTensorInfoBytes);
        var alignment = metadata.Alignment;
        var tensors = new GgufTensorTally(reader, alignment);
        for (var i = 0L; i < tensorCount; i++)
        {
            tensors.Read();
        }

        var dataOffset = (reader.Position + alignment - 1) / alignment * alignment;
        if (tensors.DataEnd > 0 && tensors.DataEnd > reader.Length - dataOffset)
        {
            throw reader.Fail(GgufErrorKind.Truncated, reader.Length,
                $"tensor '{tensors.DataEndTensor}' ends at byte {dataOffset + tensors.DataEnd} but the file has only {reader.Length} bytes (truncated, or an incomplete download?)");
        }

        return GgufModelInfo.Create(version, metadata.Entries, tensorCount, tensors, alignment, dataOffset, reader.Length);
    }

    private uint ReadPreamble()
    {
        if (reader.Length < 4)
        {
            throw reader.Fail(GgufErrorKind.NotGguf, 0, $"not a GGUF file: it is only {reader.Length} bytes long");
        }

        var magic = reader.Take(4, "magic");
        if (!magic.SequenceEqual("GGUF"u8))
        {
            var text = new string([.. magic.ToArray().Select(b => b is >= 0x20 and < 0x7F ? (char)b : '.')]);
            throw reader.Fail(GgufErrorKind.NotGguf, 0, $"not a GGUF file (magic {Convert.ToHexString(magic)} \"{text}\"; GGUF files start with \"GGUF\")");
        }

        var version = reader.ReadUInt32("version");
        if (version is 2 or 3)
        {
            return version;
        }

        var message = BinaryPrimitives.ReverseEndianness(version) is 2 or 3
            ? $"big-endian GGUF (version {BinaryPrimitives.ReverseEndianness(version)}) is not supported; use the little-endian file"
            : $"unsupported GGUF version {version}: Lamina reads versions 2 and 3" +
              (version == 1 ? "; convert the model again with a current llama.cpp" : "");
        throw reader.Fail(GgufErrorKind.UnsupportedVersion, 4, message);
    }

    private long ReadCount(string what, long limit, int minBytes)
    {
        var offset = reader.Position;
        var count = reader.ReadUInt64(what);
        CheckCount(what, count, offset, minBytes);
        if (count > (ulong)limit)
        {
            throw reader.Fail(GgufErrorKind.LimitExceeded, offset, $"{what} {count} at offset {offset} is over the limit of {limit}");
        }

        return (long)count;
    }

    private void CheckCount(string what, ulong count, long offset, int minBytes)
    {
        if (count > (ulong)(reader.Remaining / minBytes))
        {
            throw reader.Fail(GgufErrorKind.ExceedsFile, offset,
                $"{what} {count} at offset {offset}: at least {minBytes} bytes each, they exceed the {reader.Remaining} bytes left");
        }
    }
}
