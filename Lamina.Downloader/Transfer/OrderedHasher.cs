using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Lamina.Downloader.Transfer;

/// <summary>
/// Hashes a file that parts are still being written into, from the start, as far as its bytes are
/// all in place: the digest is nearly done when the last byte arrives, instead of starting then.
/// </summary>
internal sealed class OrderedHasher(SafeFileHandle file, long size, Func<long> contiguousEnd) : IDisposable
{
    private const int BlockBytes = 1 << 20;

    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly SemaphoreSlim _advanced = new(0, 1);

    /// <summary>Tells the hasher that more bytes may be in place.</summary>
    public void Advanced()
    {
        if (_advanced.CurrentCount == 0)
        {
            try
            {
                _advanced.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another writer woke it first.
            }
        }
    }

    /// <summary>The file's SHA-256, lowercase hex, once every byte is in place and hashed.</summary>
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var block = ArrayPool<byte>.Shared.Rent(BlockBytes);
        try
        {
            long hashed = 0;
            while (hashed < size)
            {
                var end = contiguousEnd();
                if (end <= hashed)
                {
                    await _advanced.WaitAsync(TimeSpan.FromMilliseconds(100), cancellationToken);
                    continue;
                }

                while (hashed < end)
                {
                    var read = RandomAccess.Read(file, block.AsSpan(0, (int)Math.Min(BlockBytes, end - hashed)), hashed);
                    if (read == 0)
                    {
                        throw new TransferException($"the partial file ended at {hashed} of {size} bytes while it was being hashed");
                    }

                    _sha256.AppendData(block, 0, read);
                    hashed += read;
                }
            }

            return Convert.ToHexStringLower(_sha256.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    public void Dispose()
    {
        _sha256.Dispose();
        _advanced.Dispose();
    }
}
