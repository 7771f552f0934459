using System.Security.Cryptography;
using System.Text;

namespace Lamina.TestSupport.Peers;

/// <summary>The sha1 names git gives blobs, and deterministic stand-ins for commits.</summary>
internal static class GitHash
{
    public static string Blob(ReadOnlySpan<byte> content)
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(Encoding.ASCII.GetBytes($"blob {content.Length}\0"));
        sha1.AppendData(content);
        return Convert.ToHexStringLower(sha1.GetHashAndReset());
    }

    public static string Of(string text) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
}
