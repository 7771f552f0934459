using System.Text;
using Lamina.Shared.Gguf;

namespace Lamina.Shared.Tests.Gguf;

/// <summary>Writes GGUF headers byte by byte, including the lies a hostile file tells.</summary>
internal sealed class HeaderBuilder
{
    private readonly MemoryStream _stream = new();
    private readonly BinaryWriter _writer;

    public HeaderBuilder(ulong tensorCount, ulong entryCount, uint version = 3)
    {
        _writer = new BinaryWriter(_stream, Encoding.UTF8, leaveOpen: true);
        _writer.Write("GGUF"u8);
        _writer.Write(version);
        _writer.Write(tensorCount);
        _writer.Write(entryCount);
    }

    public long Length => _stream.Length;

    public HeaderBuilder U32(uint value) => Do(w => w.Write(value));

    public HeaderBuilder U64(ulong value) => Do(w => w.Write(value));

    public HeaderBuilder Str(string value) => Do(w =>
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    });

    public HeaderBuilder Key(string key, GgufValueType type) => Str(key).U32((uint)type);

    public HeaderBuilder Entry(string key, uint value) => Key(key, GgufValueType.UInt32).U32(value);

    public HeaderBuilder Entry(string key, string value) => Key(key, GgufValueType.String).Str(value);

    public HeaderBuilder Tensor(string name, ulong[] dimensions, GgmlType type, ulong offset) =>
        Tensor(name, dimensions, (uint)type, offset);

    public HeaderBuilder Tensor(string name, ulong[] dimensions, uint type, ulong offset)
    {
        Str(name).U32((uint)dimensions.Length);
        foreach (var dimension in dimensions)
        {
            U64(dimension);
        }

        return U32(type).U64(offset);
    }

    /// <summary>Zero bytes: room that a count or length could claim without the file ending first.</summary>
    public HeaderBuilder Zeros(int count) => Do(w => w.Write(new byte[count]));

    public byte[] ToArray()
    {
        _writer.Flush();
        return _stream.ToArray();
    }

    private HeaderBuilder Do(Action<BinaryWriter> write)
    {
        write(_writer);
        return this;
    }
}
