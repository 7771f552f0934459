using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;

namespace Lamina.Gateway.Telemetry;

/// <summary>
/// Watches a response body pass on its way to the client, without holding it up or reading it: when its first byte
/// went, and the last few kilobytes, where backends put the token counts (OpenAI's <c>usage</c> in the last chunk or
/// the JSON body, llama.cpp's <c>timings</c> on every stream's last chunk, Ollama's counts in its last line). Disposing it returns its buffer and leaves the inner stream open.
/// </summary>
public sealed class MeteredBody(Stream inner, long startedAt) : Stream
{
    private const int TailBytes = 4096;

    // A ring: the newest bytes end at _end, and once it has wrapped the whole buffer holds the tail.
    private byte[] _tail = ArrayPool<byte>.Shared.Rent(TailBytes);
    private int _end;
    private bool _wrapped;

    /// <summary>When the body's first byte went, since the request arrived, not counting SSE comments (the keep-alives while a model loads); null when none did.</summary>
    public TimeSpan? FirstByte { get; private set; }

    /// <summary>
    /// The body's own token counts, from its tail: OpenAI's usage, llama.cpp's timings (prompt_n, predicted_n), or
    /// Ollama's prompt_eval_count and eval_count; null where it has none.
    /// </summary>
    public (long? Prompt, long? Completion) Usage()
    {
        var tail = Tail();
        return (Number(tail, "\"prompt_tokens\":"u8) ?? Number(tail, "\"prompt_n\":"u8) ?? Number(tail, "\"prompt_eval_count\":"u8),
            Number(tail, "\"completion_tokens\":"u8) ?? Number(tail, "\"predicted_n\":"u8) ?? Number(tail, "\"eval_count\":"u8));
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Watch(buffer);
        inner.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Watch(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    private void Watch(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        if (FirstByte is null && bytes[0] != (byte)':')
        {
            FirstByte = Stopwatch.GetElapsedTime(startedAt);
        }

        if (bytes.Length > TailBytes)
        {
            bytes = bytes[^TailBytes..];
        }

        var first = Math.Min(bytes.Length, TailBytes - _end);
        bytes[..first].CopyTo(_tail.AsSpan(_end));
        bytes[first..].CopyTo(_tail);
        _wrapped |= _end + bytes.Length >= TailBytes;
        _end = (_end + bytes.Length) % TailBytes;
    }

    /// <summary>The tail in order, oldest byte first.</summary>
    private byte[] Tail() => _wrapped ? [.. _tail.AsSpan(_end, TailBytes - _end), .. _tail.AsSpan(0, _end)] : _tail[.._end];

    /// <summary>The number after the last occurrence of the key, if the tail holds one.</summary>
    private static long? Number(ReadOnlySpan<byte> tail, ReadOnlySpan<byte> key)
    {
        var at = tail.LastIndexOf(key);
        if (at < 0)
        {
            return null;
        }

        var rest = tail[(at + key.Length)..].TrimStart(" "u8);
        return Utf8Parser.TryParse(rest, out long value, out _) ? value : null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _tail.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_tail);
            _tail = [];
            _end = 0;
            _wrapped = false;
        }

        base.Dispose(disposing);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
