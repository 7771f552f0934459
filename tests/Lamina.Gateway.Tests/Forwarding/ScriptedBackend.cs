using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lamina.Gateway.Tests.Forwarding;

/// <summary>
/// A backend on a real loopback socket that plays one script per connection it accepts, in raw HTTP/1.1 bytes:
/// the framings, interim responses, cuts and garbage that a well-behaved server never sends on cue.
/// </summary>
public sealed class ScriptedBackend : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentQueue<Func<BackendSide, Task>> _scripts;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public ScriptedBackend(params Func<BackendSide, Task>[] scripts)
    {
        _scripts = new(scripts);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>The heads of the requests it read, in order.</summary>
    public ConcurrentQueue<string> Heads { get; } = new();

    public int Connections => _connections;

    private int _connections;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            var script = _scripts.TryDequeue(out var next) ? next : side => side.CloseAsync();
            _ = Task.Run(async () =>
            {
                using var side = new BackendSide(socket, this);
                await script(side);
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
    }

    /// <summary>One accepted connection, as the script sees it.</summary>
    public sealed class BackendSide(Socket socket, ScriptedBackend backend) : IDisposable
    {
        private readonly NetworkStream _stream = new(socket, ownsSocket: true);
        private readonly List<byte> _pending = [];

        /// <summary>Reads one request (head, then as many body bytes as its Content-Length says) and returns its body.</summary>
        public async Task<string> ReadRequestAsync()
        {
            var buffer = new byte[4096];
            int end;
            while ((end = IndexOf(_pending, "\r\n\r\n"u8)) < 0)
            {
                var read = await _stream.ReadAsync(buffer);
                if (read == 0)
                {
                    throw new IOException("the gateway closed the connection before a whole request");
                }

                _pending.AddRange(buffer.AsSpan(0, read));
            }

            var head = Encoding.Latin1.GetString(_pending.GetRange(0, end).ToArray());
            backend.Heads.Enqueue(head);
            _pending.RemoveRange(0, end + 4);
            var length = head.Split("\r\n").Where(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                .Select(line => int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).SingleOrDefault();
            while (_pending.Count < length)
            {
                var read = await _stream.ReadAsync(buffer);
                if (read == 0)
                {
                    throw new IOException("the gateway closed the connection in the middle of a request body");
                }

                _pending.AddRange(buffer.AsSpan(0, read));
            }

            var body = Encoding.UTF8.GetString(_pending.GetRange(0, length).ToArray());
            _pending.RemoveRange(0, length);
            return body;
        }

        public async Task SendAsync(string text)
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));
            await _stream.FlushAsync();
        }

        /// <summary>Whether the gateway closed this connection within <paramref name="within"/>.</summary>
        public async Task<bool> ClosedByGatewayAsync(TimeSpan within)
        {
            using var timeout = new CancellationTokenSource(within);
            try
            {
                var buffer = new byte[256];
                while (await _stream.ReadAsync(buffer, timeout.Token) > 0)
                {
                }

                return true;
            }
            catch (IOException)
            {
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public Task CloseAsync()
        {
            _stream.Close();
            return Task.CompletedTask;
        }

        public void Dispose() => _stream.Dispose();

        private static int IndexOf(List<byte> bytes, ReadOnlySpan<byte> pattern) =>
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes).IndexOf(pattern);
    }
}
