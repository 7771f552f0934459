using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Lamina.TestSupport.Peers;

/// <summary>Reads a single <c>Range: bytes=</c> request as RFC 9110 asks, with <c>If-Range</c>.</summary>
internal static class RangeRequest
{
    /// <summary>
    /// The range to send, <see cref="ByteRange.Unsatisfiable"/> (416), or null for the whole content:
    /// no Range, one that does not parse, several ranges (not supported), or an If-Range that no longer matches.
    /// </summary>
    public static ByteRange? Read(HttpRequest request, long length, string etag, DateTimeOffset lastModified)
    {
        var header = request.Headers.Range.ToString();
        if (header.Length == 0 || !StillValid(request.Headers.IfRange.ToString(), etag, lastModified))
            return null;
        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.Contains(','))
            return null;
        var spec = header.AsSpan(6).Trim();
        var dash = spec.IndexOf('-');
        if (dash < 0)
            return null;
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.IsEmpty)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix))
                return null;
            return suffix == 0 || length == 0
                ? ByteRange.Unsatisfiable
                : new ByteRange(Math.Max(0, length - suffix), Math.Min(suffix, length));
        }
        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
            return null;
        var end = long.MaxValue;
        if (!last.IsEmpty && !long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end))
            return null;
        if (end < start)
            return null;
        return start >= length ? ByteRange.Unsatisfiable : new ByteRange(start, Math.Min(end, length - 1) - start + 1);
    }

    private static bool StillValid(string ifRange, string etag, DateTimeOffset lastModified)
    {
        if (ifRange.Length == 0)
            return true;
        if (ifRange.StartsWith('"') || ifRange.StartsWith("W/", StringComparison.Ordinal))
            return string.Equals(ifRange, etag, StringComparison.Ordinal);
        return HeaderUtilities.TryParseDate(ifRange, out var date) && date == lastModified;
    }
}
