using System.Buffers.Binary;

namespace Lamina.Shared.Gguf;

/// <summary>
/// Reads the key/value section. Scalars and strings are kept (strings within
/// <see cref="GgufLimits"/>); arrays are skipped element by element or in one seek, their
/// bounds still checked, and kept as a <see cref="GgufArrayInfo"/>.
/// </summary>
internal sealed class GgufMetadataReader(GgufByteReader reader)
{
    private const int StringLengthBytes = sizeof(ulong);
    private const string AlignmentKey = "general.alignment";

    private readonly Dictionary<string, object> _entries = new(StringComparer.Ordinal);
    private long _keptStringBytes;

    public IReadOnlyDictionary<string, object> Entries => _entries;

    /// <summary>Where tensor data starts and each tensor's offset falls on a multiple of: general.alignment, 32 by default.</summary>
    public long Alignment { get; private set; } = 32;

    public void ReadEntry(long index)
    {
        var offset = reader.Position;
        var key = reader.ReadString(GgufLimits.MaxKeyBytes, $"metadata entry {index}");
        var what = $"metadata '{key}'";
        var type = ReadType(what);
        var valueOffset = reader.Position;
        var value = ReadValue(type, what);
        if (!_entries.TryAdd(key, value))
        {
            throw reader.Fail(GgufErrorKind.Invalid, offset, $"metadata key '{key}' at offset {offset} appears twice");
        }

        if (key == AlignmentKey)
        {
            // llama.cpp stores it as u32 and rejects anything but a power of two.
            Alignment = GgufValues.AsInteger(value) is { } alignment and > 0 and <= uint.MaxValue && (alignment & (alignment - 1)) == 0
                ? alignment
                : throw reader.Fail(GgufErrorKind.Invalid, valueOffset, $"{AlignmentKey} at offset {valueOffset} is {value}; it must be a power of two");
        }
    }

    private GgufValueType ReadType(string what)
    {
        var offset = reader.Position;
        var type = reader.ReadUInt32(what);
        if (type > (uint)GgufValueType.Float64)
        {
            throw reader.Fail(GgufErrorKind.Invalid, offset, $"{what}: unknown value type {type} at offset {offset}");
        }

        return (GgufValueType)type;
    }

    private object ReadValue(GgufValueType type, string what) => type switch
    {
        GgufValueType.UInt8 => reader.Take(1, what)[0],
        GgufValueType.Int8 => (sbyte)reader.Take(1, what)[0],
        GgufValueType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(reader.Take(2, what)),
        GgufValueType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(reader.Take(2, what)),
        GgufValueType.UInt32 => reader.ReadUInt32(what),
        GgufValueType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(reader.Take(4, what)),
        GgufValueType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(reader.Take(4, what)),
        GgufValueType.Bool => reader.Take(1, what)[0] != 0,
        GgufValueType.UInt64 => reader.ReadUInt64(what),
        GgufValueType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(reader.Take(8, what)),
        GgufValueType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(reader.Take(8, what)),
        GgufValueType.String => ReadStringValue(what),
        _ => ReadArray(what),
    };

    private object ReadStringValue(string what)
    {
        var length = reader.ReadLength(what);
        if (length > GgufLimits.MaxKeptStringBytes || _keptStringBytes + length > GgufLimits.MaxKeptStringBytesTotal)
        {
            reader.Skip(length, what);
            return new GgufOmittedString(length);
        }

        _keptStringBytes += length;
        return reader.ReadUtf8((int)length, what);
    }

    private GgufArrayInfo ReadArray(string what)
    {
        var typeOffset = reader.Position;
        var elementType = ReadType(what);
        if (elementType == GgufValueType.Array)
        {
            throw reader.Fail(GgufErrorKind.Invalid, typeOffset, $"{what} at offset {typeOffset} is an array of arrays; GGUF has no nested arrays");
        }

        var countOffset = reader.Position;
        var count = reader.ReadUInt64(what);
        var elementBytes = elementType == GgufValueType.String ? StringLengthBytes : FixedSize(elementType);
        if (count > (ulong)(reader.Remaining / elementBytes))
        {
            throw reader.Fail(GgufErrorKind.ExceedsFile, countOffset,
                $"{what}: {count} elements of at least {elementBytes} bytes at offset {countOffset} exceed the {reader.Remaining} bytes left");
        }

        if (elementType != GgufValueType.String)
        {
            reader.Skip((long)count * elementBytes, what);
            return new GgufArrayInfo(elementType, (long)count);
        }

        reader.SkipStrings(count, $"string in {what}");
        return new GgufArrayInfo(elementType, (long)count);
    }

    private static int FixedSize(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        _ => 8,
    };
}
