using System.Buffers;
using System.Diagnostics;
using System.Text;

namespace Lamina.Gateway.Forwarding;

/// <summary>
/// A request's line and headers as HTTP/1.1 bytes for a backend, written into a pooled buffer. Headers pass as
/// they came but for hop-by-hop ones and the client's key, which is Lamina's and no backend's business; the
/// trace context is the gateway's own span, so the backend's span is its child. No X-Forwarded-*: backends
/// listen on loopback for Lamina alone, and nothing of theirs reads them.
/// </summary>
public sealed class RequestHead : IDisposable
{
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding",
        "Upgrade", "Expect", "Content-Length", "Authorization", "traceparent", "tracestate", "baggage", "Request-Id", "Correlation-Context",
    };

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _length;

    /// <summary>The head for <paramref name="request"/> with a body of <paramref name="bodyLength"/> bytes, to a backend at <paramref name="host"/>.</summary>
    public static RequestHead Of(HttpRequest request, string host, long bodyLength)
    {
        var head = new RequestHead();
        head.Append(request.Method).Append(" ").Append(request.Path.ToUriComponent()).Append(request.QueryString.Value ?? "").Append(" HTTP/1.1\r\nHost: ").Append(host)
            .Append("\r\nContent-Length: ").Append(bodyLength.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
        foreach (var (name, values) in request.Headers)
        {
            if (NotForwarded.Contains(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                head.Header(name, value ?? "");
            }
        }

        DistributedContextPropagator.Current.Inject(Activity.Current, head,
            static (carrier, name, value) => ((RequestHead)carrier!).Header(name, value ?? ""));
        head.Append("\r\n");
        return head;
    }

    public ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, _length);

    /// <summary>Room after the head, for a body small enough to go in the same send.</summary>
    public Memory<byte> Room(int bytes)
    {
        Ensure(bytes);
        return _buffer.AsMemory(_length, bytes);
    }

    public void Advance(int bytes) => _length += bytes;

    private RequestHead Header(string name, string value) => Append(name).Append(": ").Append(value).Append("\r\n");

    private RequestHead Append(string text)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
        return this;
    }

    private void Ensure(int bytes)
    {
        if (_length + bytes <= _buffer.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + bytes));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
