using System.Net;
using System.Net.Sockets;

namespace Lamina.Gateway.Forwarding;

/// <summary>
/// One kept-alive HTTP/1.1 connection to a backend, with the buffer its answers are read into.
/// Disposing it closes the socket, which is also how a client's leaving reaches the backend.
/// </summary>
public sealed class BackendConnection : IDisposable
{
    private const int BufferBytes = 16 * 1024;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    private readonly Socket _socket;

    private BackendConnection(Socket socket) => _socket = socket;

    /// <summary>Bytes read from the backend: those from <see cref="Start"/> to <see cref="End"/> are not consumed yet.</summary>
    public byte[] Buffer { get; } = new byte[BufferBytes];

    public int Start { get; set; }

    public int End { get; private set; }

    /// <summary>Whether anything came from the backend since <see cref="BeginExchange"/>.</summary>
    public bool Answered => _received > 0;

    private long _received;

    /// <summary>Whether this connection served a request before: a backend may have closed it while it was idle.</summary>
    public bool Reused { get; set; }

    /// <summary>When it went back to the pool, as a <see cref="Environment.TickCount64"/>.</summary>
    public long IdleSince { get; set; }

    public ReadOnlySpan<byte> Unread => Buffer.AsSpan(Start, End - Start);

    public static async Task<BackendConnection> OpenAsync(DnsEndPoint backend, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(backend, timeout.Token);
            return new BackendConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Readies the buffer for a new request's answer: the last answer was read to its end.</summary>
    public void BeginExchange()
    {
        Start = End = 0;
        _received = 0;
    }

    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> bytes) => _socket.SendAsync(bytes, SocketFlags.None);

    /// <summary>Reads more from the backend after what is unread, moving that to the front first if the buffer is full; 0 when the backend closed.</summary>
    public async ValueTask<int> FillAsync()
    {
        if (Start == End)
        {
            Start = End = 0;
        }
        else if (End == Buffer.Length)
        {
            if (Start == 0)
            {
                throw new InvalidDataException($"the backend sent a line or header block over {BufferBytes} bytes");
            }

            Unread.CopyTo(Buffer);
            End -= Start;
            Start = 0;
        }

        var read = await _socket.ReceiveAsync(Buffer.AsMemory(End), SocketFlags.None);
        End += read;
        _received += read;
        return read;
    }

    /// <summary>Whether an idle connection can carry a request: one the backend closed, or sent anything on unasked, reads as ready.</summary>
    public bool StillOpen()
    {
        try
        {
            return !_socket.Poll(0, SelectMode.SelectRead);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();
}
