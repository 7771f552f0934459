namespace Lamina.Shared.Tests.Gguf;

/// <summary>
/// A read-only stream of <paramref name="head"/> followed by zeros up to <paramref name="length"/>:
/// a multi-gigabyte model file whose header is real and whose tensor data costs nothing.
/// </summary>
internal sealed class ZeroTailStream(byte[] head, long length) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position { get; set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Clamp(length - Position, 0, buffer.Length);
        var fromHead = (int)Math.Clamp(head.Length - Position, 0, n);
        head.AsSpan((int)Math.Min(Position, head.Length), fromHead).CopyTo(buffer);
        buffer[fromHead..n].Clear();
        Position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => Position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
