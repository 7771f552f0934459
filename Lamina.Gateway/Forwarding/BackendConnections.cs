using System.Collections.Concurrent;
using System.Net;

namespace Lamina.Gateway.Forwarding;

/// <summary>The idle kept-alive connections to each backend, newest first.</summary>
public sealed class BackendConnections : IDisposable
{
    // llama-server closes a connection idle for 5 s; giving one up a little before avoids sending into a closing socket.
    private const long MaxIdleMilliseconds = 4_000;
    private const int MaxIdlePerBackend = 512;

    private readonly ConcurrentDictionary<string, Backend> _backends = new(StringComparer.Ordinal);

    /// <summary>An idle connection to the endpoint that is still open (unless <paramref name="fresh"/>), or a new one.</summary>
    public async ValueTask<BackendConnection> RentAsync(string endpoint, bool fresh, CancellationToken cancellationToken)
    {
        var backend = _backends.GetOrAdd(endpoint, static endpoint => new Backend(endpoint));
        while (!fresh && backend.TryTake(out var idle))
        {
            if (Environment.TickCount64 - idle.IdleSince < MaxIdleMilliseconds && idle.StillOpen())
            {
                return idle;
            }

            idle.Dispose();
        }

        // Opening is rare once warm, and follows a model's restart on a new port: the old port's idle connections go then.
        Prune();
        return await BackendConnection.OpenAsync(backend.Address, cancellationToken);
    }

    private void Prune()
    {
        foreach (var backend in _backends.Values)
        {
            backend.DropIdleLongerThan(MaxIdleMilliseconds);
        }
    }

    /// <summary>Keeps a connection whose last answer ended cleanly for the next request.</summary>
    public void Return(string endpoint, BackendConnection connection)
    {
        connection.Reused = true;
        connection.IdleSince = Environment.TickCount64;
        if (!_backends.TryGetValue(endpoint, out var backend) || !backend.TryAdd(connection))
        {
            connection.Dispose();
        }
    }

    /// <summary>The host and port of an <c>http://host:port</c> endpoint, as the Host header names it.</summary>
    public string HostOf(string endpoint) => _backends.GetOrAdd(endpoint, static endpoint => new Backend(endpoint)).Host;

    public void Dispose()
    {
        foreach (var backend in _backends.Values)
        {
            while (backend.TryTake(out var idle))
            {
                idle.Dispose();
            }
        }
    }

    private sealed class Backend
    {
        private readonly ConcurrentStack<BackendConnection> _idle = new();
        private int _count;

        public Backend(string endpoint)
        {
            var uri = new Uri(endpoint);
            Address = new DnsEndPoint(uri.IdnHost, uri.Port);
            Host = uri.Authority;
        }

        public DnsEndPoint Address { get; }

        public string Host { get; }

        public bool TryTake(out BackendConnection connection)
        {
            if (!_idle.TryPop(out connection!))
            {
                return false;
            }

            Interlocked.Decrement(ref _count);
            return true;
        }

        /// <summary>Closes the connections idle for longer than the backend keeps them, keeping the others in their order.</summary>
        public void DropIdleLongerThan(long milliseconds)
        {
            var now = Environment.TickCount64;
            var kept = new List<BackendConnection>();
            while (TryTake(out var idle))
            {
                if (now - idle.IdleSince < milliseconds)
                {
                    kept.Add(idle);
                }
                else
                {
                    idle.Dispose();
                }
            }

            for (var i = kept.Count - 1; i >= 0; i--)
            {
                if (!TryAdd(kept[i]))
                {
                    kept[i].Dispose();
                }
            }
        }

        public bool TryAdd(BackendConnection connection)
        {
            if (Interlocked.Increment(ref _count) > MaxIdlePerBackend)
            {
                Interlocked.Decrement(ref _count);
                return false;
            }

            _idle.Push(connection);
            return true;
        }
    }
}
