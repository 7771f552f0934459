using System.Security.Cryptography;
using Lamina.Registry.Catalog;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lamina.Registry.Tests;

public sealed class ChecksumVerifierTests : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("lamina-checksums-");
    private readonly List<ChecksumVerifier> _started = [];

    private string File1 => Path.Combine(_root.FullName, "model.gguf");

    [Fact]
    public async Task FileIsVerifiedInTheBackgroundThenKnown()
    {
        var bytes = RandomNumberGenerator.GetBytes(3 << 20);
        await File.WriteAllBytesAsync(File1, bytes);
        var expected = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var verifier = await StartAsync();

        Assert.Equal("verifying", verifier.Check(File1, expected).State);

        Assert.Equal(Checksum.Verified, await SettledAsync(verifier, expected));
    }

    [Fact]
    public async Task MismatchGivesTheFilesOwnDigest()
    {
        var bytes = RandomNumberGenerator.GetBytes(1000);
        await File.WriteAllBytesAsync(File1, bytes);
        var verifier = await StartAsync();

        var checksum = await SettledAsync(verifier, new string('0', 64));

        Assert.Equal("mismatch", checksum.State);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), checksum.Actual);
    }

    [Fact]
    public async Task ChangedFileIsHashedAgain()
    {
        await File.WriteAllBytesAsync(File1, [1, 2, 3]);
        var verifier = await StartAsync();
        var first = Convert.ToHexStringLower(SHA256.HashData([1, 2, 3]));
        Assert.Equal(Checksum.Verified, await SettledAsync(verifier, first));

        await File.WriteAllBytesAsync(File1, [1, 2, 3, 4]);

        Assert.Equal("verifying", verifier.Check(File1, first).State);
        Assert.Equal("mismatch", (await SettledAsync(verifier, first)).State);
    }

    [Fact]
    public async Task VerdictSurvivesARestartWithoutHashingAgain()
    {
        await File.WriteAllBytesAsync(File1, [1, 2, 3]);
        var digest = Convert.ToHexStringLower(SHA256.HashData([1, 2, 3]));
        Assert.Equal(Checksum.Verified, await SettledAsync(await StartAsync(), digest));

        // Same size and modification time: the kept verdict answers, the bytes are not read again.
        var writtenAt = File.GetLastWriteTimeUtc(File1);
        await File.WriteAllBytesAsync(File1, [9, 9, 9]);
        File.SetLastWriteTimeUtc(File1, writtenAt);
        var restarted = await StartAsync();

        Assert.Equal(Checksum.Verified, restarted.Check(File1, digest));
    }

    private async Task<ChecksumVerifier> StartAsync()
    {
        var options = Options.Create(new RegistryOptions { DataDir = Path.Combine(_root.FullName, "data") });
        var verifier = new ChecksumVerifier(options, NullLogger<ChecksumVerifier>.Instance);
        await verifier.StartAsync(CancellationToken.None);
        _started.Add(verifier);
        return verifier;
    }

    private async Task<Checksum> SettledAsync(ChecksumVerifier verifier, string expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (verifier.Check(File1, expected) is { State: "verifying" })
        {
            await Task.Delay(10, timeout.Token);
        }

        return verifier.Check(File1, expected);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var verifier in _started)
        {
            await verifier.StopAsync(CancellationToken.None);
        }

        _root.Delete(recursive: true);
    }
}
