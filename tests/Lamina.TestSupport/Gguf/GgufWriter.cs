using System.Text;

using Lamina.Shared.Gguf;

namespace Lamina.TestSupport.Gguf;

/// <summary>Writes a GGUF v3 file: header, key/values, tensor infos, then aligned tensor data.</summary>
internal sealed class GgufWriter
{
    private const uint Magic = 0x46554747; // "GGUF" read as a little-endian u32.
    private const uint Version = 3;

    private readonly List<(string Key, GgufValueType Type, Action<BinaryWriter> Write)> _entries = [];
    private readonly List<GgufTensor> _tensors = [];

    public int Alignment { get; init; } = 32;

    public void Add(string key, string value) => _entries.Add((key, GgufValueType.String, w => WriteString(w, value)));

    public void Add(string key, uint value) => _entries.Add((key, GgufValueType.UInt32, w => w.Write(value)));

    public void Add(string key, float value) => _entries.Add((key, GgufValueType.Float32, w => w.Write(value)));

    public void Add(string key, bool value) => _entries.Add((key, GgufValueType.Bool, w => w.Write(value)));

    public void Add(string key, IReadOnlyList<string> values) =>
        AddArray(key, GgufValueType.String, values.Count, w => { foreach (var v in values) WriteString(w, v); });

    public void Add(string key, IReadOnlyList<float> values) =>
        AddArray(key, GgufValueType.Float32, values.Count, w => { foreach (var v in values) w.Write(v); });

    public void Add(string key, IReadOnlyList<int> values) =>
        AddArray(key, GgufValueType.Int32, values.Count, w => { foreach (var v in values) w.Write(v); });

    public void AddTensor(GgufTensor tensor) => _tensors.Add(tensor);

    public void WriteTo(Stream stream)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_entries.Count);
        foreach (var (key, type, write) in _entries)
        {
            WriteString(w, key);
            w.Write((uint)type);
            write(w);
        }

        ulong offset = 0;
        foreach (var tensor in _tensors)
        {
            WriteString(w, tensor.Name);
            w.Write((uint)tensor.Dimensions.Length);
            foreach (var d in tensor.Dimensions)
                w.Write((ulong)d);
            w.Write((uint)tensor.Type);
            w.Write(offset);
            offset = Align(offset + (ulong)tensor.Data.Length);
        }

        Pad(w);
        foreach (var tensor in _tensors)
        {
            w.Write(tensor.Data);
            Pad(w);
        }
    }

    private void AddArray(string key, GgufValueType elementType, int count, Action<BinaryWriter> writeElements) =>
        _entries.Add((key, GgufValueType.Array, w =>
        {
            w.Write((uint)elementType);
            w.Write((ulong)count);
            writeElements(w);
        }));

    private ulong Align(ulong offset) => (offset + (ulong)Alignment - 1) / (ulong)Alignment * (ulong)Alignment;

    private void Pad(BinaryWriter w)
    {
        w.Flush();
        var position = (ulong)w.BaseStream.Position;
        for (var i = position; i < Align(position); i++)
            w.Write((byte)0);
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}
