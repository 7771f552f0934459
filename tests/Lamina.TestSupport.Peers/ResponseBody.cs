using System.Buffers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Lamina.TestSupport.Peers;

/// <summary>Sends a range of a file, in large chunks unless a throttle or a fault asks for less.</summary>
internal static class ResponseBody
{
    private const int ChunkSize = 1 << 20;

    public static async Task SendAsync(
        HttpContext context, FileEntry entry, ByteRange range, FileFaults faults, Action<int> sent, CancellationToken stopping)
    {
        var cut = faults.ClaimCut(range.Start, range.End);
        var stopAt = cut?.Offset ?? range.End;
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var ct = aborted.Token;
        using var handle = entry.Open();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var throttle = new Throttle();
        try
        {
            await context.Response.StartAsync(ct);
            for (var position = range.Start; position < stopAt;)
            {
                var rate = faults.ThrottleBytesPerSecond;
                var count = (int)Math.Min(rate is null ? ChunkSize : Throttle.SliceFor(rate.Value), stopAt - position);
                var chunk = buffer.AsMemory(0, count);
                await entry.ReadAsync(handle, position, chunk, ct);
                faults.ApplyFlips(position, chunk.Span);
                if (rate is not null)
                    await throttle.TakeAsync(count, rate.Value, ct);
                // Counted before the write completes, so a client holding every byte also sees the count.
                sent(count);
                await context.Response.Body.WriteAsync(chunk, ct);
                position += count;
            }
            if (cut is null)
                return;
            await context.Response.Body.FlushAsync(ct);
            if (cut.Value.Drop)
                await DropAsync(context, ct);
            else
                await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client gave up or the peer is stopping: let the connection go.
            context.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Ends the connection short of Content-Length. A FIN first, so the client reads every byte sent before it sees
    /// the cut: an abort alone may reset the connection and lose bytes still in the client's receive buffer.
    /// </summary>
    private static async Task DropAsync(HttpContext context, CancellationToken ct)
    {
        if (context.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
        {
            socket.Shutdown(SocketShutdown.Send);
            try
            {
                // The client closes once it has read to the FIN; a client that does not is cut off after a while.
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }
        context.Abort();
    }
}
