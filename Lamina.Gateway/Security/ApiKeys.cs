using System.Security.Cryptography;
using System.Text;

namespace Lamina.Gateway.Security;

/// <summary>
/// Keys compared in constant time: each is kept as its SHA-256, so neither the comparison nor the
/// keys' lengths leak through timing, and no key is ever kept or logged as text.
/// </summary>
public sealed class ApiKeys(IEnumerable<string> keys)
{
    private readonly byte[][] _hashes = [.. keys.Select(key => SHA256.HashData(Encoding.UTF8.GetBytes(key)))];

    public bool IsEmpty => _hashes.Length == 0;

    public bool Accepts(ReadOnlySpan<char> presented)
    {
        Span<byte> hash = stackalloc byte[32];
        var bytes = Encoding.UTF8.GetBytes(presented.ToArray());
        SHA256.HashData(bytes, hash);
        var accepted = false;
        foreach (var known in _hashes)
        {
            // Every key is compared, so the time does not say which one matched.
            accepted |= CryptographicOperations.FixedTimeEquals(hash, known);
        }

        return accepted;
    }
}
