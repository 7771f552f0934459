using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;

namespace Lamina.Gateway.Telemetry;

/// <summary>
/// Watches an answer pass on its way to the client, without holding it up: when its first byte
/// went, how many SSE data events it had, and the token counts of the <c>usage</c> object that
/// backends put at the end of an answer (the last chunk, or the JSON body). Disposing it returns its
/// buffer and leaves the inner stream open.
/// </summary>
public sealed class MeteredBody(Stream inner, long startedAt) : Stream
{
    private const int TailBytes = 4096;

    private byte[] _tail = ArrayPool<byte>.Shared.Rent(TailBytes);
    private int _tailLength;
    // An event starts a line, and the stream's start counts as one.
    private readonly SplitCount _events = new("\ndata: {"u8, "\n"u8);
    // A streamed chunk that carries text: one token each from llama.cpp, vLLM and Lamina's engine (role and finish chunks carry none).
    private readonly SplitCount _texts = new("\"content\":\""u8);
    private readonly SplitCount _emptyTexts = new("\"content\":\"\""u8);

    /// <summary>When the answer's first byte went, since the request arrived, not counting SSE comments (the keep-alives while a model loads); null when none did.</summary>
    public TimeSpan? FirstByte { get; private set; }

    /// <summary>SSE <c>data: {...}</c> events seen: a streamed answer's chunks.</summary>
    public long Events => _events.Count;

    /// <summary>Streamed chunks with non-empty text: the tokens generated, where the answer gives no usage.</summary>
    public long TextEvents => _texts.Count - _emptyTexts.Count;

    /// <summary>The answer's own token counts: OpenAI's usage, or Ollama's prompt_eval_count and eval_count.</summary>
    public (long? Prompt, long? Completion) Usage()
    {
        var tail = _tail.AsSpan(0, _tailLength);
        return (Number(tail, "\"prompt_tokens\":"u8) ?? Number(tail, "\"prompt_eval_count\":"u8),
            Number(tail, "\"completion_tokens\":"u8) ?? Number(tail, "\"eval_count\":"u8));
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

        _events.Add(bytes);
        _texts.Add(bytes);
        _emptyTexts.Add(bytes);
        Keep(bytes);
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= TailBytes)
        {
            bytes[^TailBytes..].CopyTo(_tail);
            _tailLength = TailBytes;
            return;
        }

        var overflow = _tailLength + bytes.Length - TailBytes;
        if (overflow > 0)
        {
            _tail.AsSpan(overflow, _tailLength - overflow).CopyTo(_tail);
            _tailLength -= overflow;
        }

        bytes.CopyTo(_tail.AsSpan(_tailLength));
        _tailLength += bytes.Length;
    }

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
            _tailLength = 0;
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
