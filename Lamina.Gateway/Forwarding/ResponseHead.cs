using System.Buffers.Text;
using System.Text;

namespace Lamina.Gateway.Forwarding;

/// <summary>How a backend's answer says its body ends, and whether its connection can carry another request.</summary>
public readonly record struct BodyFraming(long? Length, bool Chunked, bool KeepAlive);

/// <summary>Reads a backend's status line and headers into the client's response, leaving out hop-by-hop headers.</summary>
public static class ResponseHead
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length",
    };

    /// <summary>
    /// Parses <paramref name="head"/> (the status line and header lines, without the blank line that ends them) into
    /// <paramref name="response"/>; false, with <paramref name="problem"/> saying why, for a head that is not HTTP/1.x.
    /// </summary>
    public static bool TryApply(ReadOnlySpan<byte> head, HttpResponse response, out int status, out BodyFraming framing, out string? problem)
    {
        framing = default;
        status = 0;
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? head : head[..lineEnd];
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out status, out var digits) || digits != 3 || status < 100)
        {
            problem = $"its answer does not begin with an HTTP/1.x status line: '{Encoding.Latin1.GetString(statusLine[..Math.Min(statusLine.Length, 64)])}'";
            return false;
        }

        var keepAlive = statusLine[7] == (byte)'1';
        long? length = null;
        var transferCoded = false;
        var chunked = false;
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? rest : rest[..lineEnd];
            rest = lineEnd < 0 ? [] : rest[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                problem = $"its answer has a header line without a name: '{Encoding.Latin1.GetString(line[..Math.Min(line.Length, 64)])}'";
                return false;
            }

            var name = Encoding.Latin1.GetString(line[..colon].Trim(" \t"u8));
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!Utf8Parser.TryParse(value, out long declared, out var used) || used != value.Length || declared < 0)
                {
                    problem = $"its answer's Content-Length is not a number: '{Encoding.Latin1.GetString(value)}'";
                    return false;
                }

                // Two lengths that differ leave the body's end a guess (RFC 9112 6.3): the answer cannot be passed on.
                if (length is { } earlier && earlier != declared)
                {
                    problem = $"its answer declares two Content-Lengths, {earlier} and {declared}";
                    return false;
                }

                length = declared;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                transferCoded = true;
                chunked = value.Length >= 7 && Ascii.EqualsIgnoreCase(value[^7..], "chunked"u8);
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                keepAlive = keepAlive ? !Contains(value, "close"u8) : Contains(value, "keep-alive"u8);
            }

            if (!HopByHop.Contains(name))
            {
                response.Headers.Append(name, Encoding.UTF8.GetString(value));
            }
        }

        // Any transfer coding wins over a length (RFC 9112 6.3): chunked last is read by its chunks; any other
        // ends, as does an answer with neither, when the backend closes.
        var framed = transferCoded ? null : length;
        framing = new BodyFraming(framed, chunked, keepAlive && (chunked || framed is not null));
        response.ContentLength = framed;
        problem = null;
        return true;
    }

    private static bool Contains(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        Span<byte> lower = stackalloc byte[Math.Min(value.Length, 256)];
        var length = Ascii.ToLower(value[..lower.Length], lower, out var written) == System.Buffers.OperationStatus.Done ? written : 0;
        return lower[..length].IndexOf(token) >= 0;
    }
}
