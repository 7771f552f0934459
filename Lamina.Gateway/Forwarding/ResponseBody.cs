using System.Buffers.Text;

namespace Lamina.Gateway.Forwarding;

/// <summary>
/// Passes a backend's answer body to the client as it arrives, each read written (and so flushed) at once: an SSE
/// event leaves the gateway when it reaches it. A chunked body goes out as its data; the client's server frames it anew.
/// </summary>
public static class ResponseBody
{
    /// <summary>Copies the body; true when it ended as its framing said, so the connection can carry another request.</summary>
    public static async Task<bool> CopyAsync(BackendConnection backend, BodyFraming framing, Stream client, CancellationToken cancellationToken)
    {
        if (framing.Chunked)
        {
            await CopyChunksAsync(backend, client, cancellationToken);
            return true;
        }

        if (framing.Length is { } length)
        {
            await CopyBytesAsync(backend, length, client, cancellationToken);
            return true;
        }

        do
        {
            await WriteUnreadAsync(backend, int.MaxValue, client, cancellationToken);
        }
        while (await backend.FillAsync() > 0);

        return false;
    }

    private static async Task CopyBytesAsync(BackendConnection backend, long length, Stream client, CancellationToken cancellationToken)
    {
        while (length > 0)
        {
            if (backend.Start == backend.End && await backend.FillAsync() == 0)
            {
                throw new IOException($"the backend closed its connection with {length} bytes of its answer still to come");
            }

            length -= await WriteUnreadAsync(backend, length, client, cancellationToken);
        }
    }

    private static async Task CopyChunksAsync(BackendConnection backend, Stream client, CancellationToken cancellationToken)
    {
        while (true)
        {
            var size = ChunkSize(await LineAsync(backend));
            if (size == 0)
            {
                // Trailers, if any, up to the blank line that ends the answer.
                while ((await LineAsync(backend)).Length > 0)
                {
                }

                return;
            }

            await CopyBytesAsync(backend, size, client, cancellationToken);
            if ((await LineAsync(backend)).Length != 0)
            {
                throw new InvalidDataException("the backend's chunked answer has no line end after a chunk's data");
            }
        }
    }

    private static async ValueTask<int> WriteUnreadAsync(BackendConnection backend, long most, Stream client, CancellationToken cancellationToken)
    {
        var count = (int)Math.Min(backend.End - backend.Start, most);
        if (count == 0)
        {
            return 0;
        }

        await client.WriteAsync(backend.Buffer.AsMemory(backend.Start, count), cancellationToken);
        backend.Start += count;
        return count;
    }

    /// <summary>The next line without its line end, consumed; it stays valid until the next read from the backend.</summary>
    private static async ValueTask<ReadOnlyMemory<byte>> LineAsync(BackendConnection backend)
    {
        int end;
        while ((end = backend.Unread.IndexOf("\r\n"u8)) < 0)
        {
            if (await backend.FillAsync() == 0)
            {
                throw new IOException("the backend closed its connection in the middle of a chunked answer");
            }
        }

        var line = backend.Buffer.AsMemory(backend.Start, end);
        backend.Start += end + 2;
        return line;
    }

    private static long ChunkSize(ReadOnlyMemory<byte> line)
    {
        var span = line.Span;
        var extension = span.IndexOf((byte)';');
        var digits = (extension < 0 ? span : span[..extension]).Trim(" \t"u8);
        if (!Utf8Parser.TryParse(digits, out long size, out var used, 'x') || used != digits.Length || size < 0)
        {
            throw new InvalidDataException($"the backend's chunked answer has a chunk size that is not hexadecimal: '{System.Text.Encoding.Latin1.GetString(span[..Math.Min(span.Length, 32)])}'");
        }

        return size;
    }
}
