namespace Lamina.Shared.Gguf;

/// <summary>
/// Reads the tensor infos and keeps only their sums: element counts, bytes, the mix of types and
/// where the last tensor's data ends. Tensors are never listed, so a header with a million of
/// them costs no more memory than one with ten.
/// </summary>
internal sealed class GgufTensorTally(GgufByteReader reader, long alignment)
{
    private readonly Dictionary<string, int> _types = new(StringComparer.Ordinal);
    private readonly long[] _dimensions = new long[GgufLimits.MaxDimensions];

    public long ParameterCount { get; private set; }

    public long Bytes { get; private set; }

    public bool HasUnknownTypes { get; private set; }

    public IReadOnlyDictionary<string, int> Types => _types;

    /// <summary>The end of the furthest tensor's data, from the start of the data section.</summary>
    public long DataEnd { get; private set; }

    /// <summary>The tensor whose data ends at <see cref="DataEnd"/>, for the message when the file is shorter.</summary>
    public string? DataEndTensor { get; private set; }

    public void Read()
    {
        var name = reader.ReadString(GgufLimits.MaxTensorNameBytes, "tensor name");

        // One description per tensor serves every read of it: the offset in a message says which field.
        var what = $"tensor '{name}'";
        var elements = ReadElementCount(what);
        var typeOffset = reader.Position;
        var typeId = reader.ReadUInt32(what);
        var offsetAt = reader.Position;
        var offset = reader.ReadUInt64(what);

        if (SumOverflows(ParameterCount, elements))
        {
            throw reader.Fail(GgufErrorKind.Invalid, typeOffset, $"{what}: the parameter count overflows");
        }

        ParameterCount += elements;
        _types[GgmlTypeLayout.NameOf(typeId)] = _types.GetValueOrDefault(GgmlTypeLayout.NameOf(typeId)) + 1;
        if (offset > long.MaxValue)
        {
            throw reader.Fail(GgufErrorKind.Invalid, offsetAt, $"{what}: data offset {offset} at offset {offsetAt} is past 2^63");
        }

        if ((long)offset % alignment != 0)
        {
            throw reader.Fail(GgufErrorKind.Invalid, offsetAt, $"{what}: data offset {offset} at offset {offsetAt} is not a multiple of the alignment {alignment}");
        }

        if (GgmlTypeLayout.Find(typeId) is not { } layout)
        {
            // A type newer than this table: count it, and let the memory estimate use the file size instead.
            HasUnknownTypes = true;
            return;
        }

        var rowLength = _dimensions[0];
        if (rowLength % layout.BlockSize != 0)
        {
            throw reader.Fail(GgufErrorKind.Invalid, typeOffset,
                $"{what}: a row of {rowLength} elements is not a whole number of {layout.Name} blocks of {layout.BlockSize}");
        }

        var blocks = elements / layout.BlockSize;
        if (ProductOverflows(blocks, layout.TypeSize) || SumOverflows(Bytes, blocks * layout.TypeSize))
        {
            throw reader.Fail(GgufErrorKind.Invalid, typeOffset, $"{what}: its size in bytes overflows");
        }

        var bytes = blocks * layout.TypeSize;
        Bytes += bytes;
        if (SumOverflows((long)offset, bytes))
        {
            throw reader.Fail(GgufErrorKind.Invalid, offsetAt, $"{what}: data offset {offset} plus {bytes} bytes overflows");
        }

        var end = (long)offset + bytes;
        if (end > DataEnd)
        {
            DataEnd = end;
            DataEndTensor = name;
        }
    }

    private long ReadElementCount(string what)
    {
        var countOffset = reader.Position;
        var count = reader.ReadUInt32(what);
        if (count > GgufLimits.MaxDimensions)
        {
            throw reader.Fail(GgufErrorKind.Invalid, countOffset,
                $"{what}: {count} dimensions at offset {countOffset}; ggml tensors have at most {GgufLimits.MaxDimensions}");
        }

        // ggml pads missing dimensions with 1.
        _dimensions.AsSpan().Fill(1);
        var elements = 1L;
        for (var i = 0; i < count; i++)
        {
            var offset = reader.Position;
            var dimension = reader.ReadUInt64(what);
            if (dimension > long.MaxValue)
            {
                throw reader.Fail(GgufErrorKind.Invalid, offset, $"{what}: dimension {i} is {dimension} at offset {offset}, more than ggml's int64 can hold");
            }

            _dimensions[i] = (long)dimension;
            if (ProductOverflows(elements, (long)dimension))
            {
                throw reader.Fail(GgufErrorKind.Invalid, offset,
                    $"{what}: its dimensions {string.Join(" x ", _dimensions[..(i + 1)])} multiply past 2^63 elements");
            }

            elements *= (long)dimension;
        }

        return elements;
    }

    // Both arguments are non-negative here.
    private static bool ProductOverflows(long a, long b) => b != 0 && a > long.MaxValue / b;

    private static bool SumOverflows(long a, long b) => a > long.MaxValue - b;
}
