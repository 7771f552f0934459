using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Lamina.Shared.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Lamina.Registry.Catalog;

/// <summary>
/// Checks model files against the <c>sha256</c> their manifest entries declare, in the
/// background and once per file version (path, size, modification time). Verdicts are kept in
/// the data folder, so a restart does not hash gigabytes again.
/// </summary>
public sealed partial class ChecksumVerifier(IOptions<RegistryOptions> options, ILogger<ChecksumVerifier> logger, IConnectionMultiplexer? redis = null)
    : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new() { SingleReader = true });
    private readonly ConcurrentDictionary<string, byte> _queued = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChecksumVerdict> _verdicts = Load(VerdictsPath(options.Value));
    private readonly string _verdictsPath = VerdictsPath(options.Value);

    /// <summary>What is known of the file against the expected digest; an unknown file is queued for hashing.</summary>
    public Checksum Check(string path, string expected)
    {
        if (_verdicts.TryGetValue(path, out var verdict) && verdict.Describes(new FileInfo(path)))
        {
            return verdict.Sha256 == expected ? Checksum.Verified : Checksum.Mismatch(verdict.Sha256);
        }

        if (_queued.TryAdd(path, 0))
        {
            _queue.Writer.TryWrite(path);
        }

        return Checksum.Verifying;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var path in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if ((await RecordedAsync(path) ?? await HashAsync(path, stoppingToken)) is { } verdict)
                {
                    // Kept on disk before it is told, so a verdict anyone saw survives a restart.
                    await SaveAsync(new Dictionary<string, ChecksumVerdict>(_verdicts) { [path] = verdict }, stoppingToken);
                    _verdicts[path] = verdict;
                }
            }
            catch (IOException e)
            {
                LogUnreadable(logger, path, e.Message);
            }
            finally
            {
                _queued.TryRemove(path, out _);
            }
        }
    }

    /// <summary>The digest the Downloader measured as the file arrived, when the file is still that version.</summary>
    private async Task<ChecksumVerdict?> RecordedAsync(string path)
    {
        if (redis is null)
        {
            return null;
        }

        try
        {
            var recorded = await redis.GetDatabase().HashGetAsync(RedisKeys.Checksums, path);
            var verdict = recorded.HasValue ? JsonSerializer.Deserialize<ChecksumVerdict>(recorded.ToString(), LaminaJson.Options) : null;
            return verdict is not null && verdict.Describes(new FileInfo(path)) ? verdict : null;
        }
        catch (Exception e) when (e is RedisException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The file's digest, or null when the file changed while it was read (it is checked again when next asked).</summary>
    private async Task<ChecksumVerdict?> HashAsync(string path, CancellationToken cancellationToken)
    {
        var before = new FileInfo(path);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string sha256;
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous))
        {
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        }

        var after = new FileInfo(path);
        if (!after.Exists || after.Length != before.Length || after.LastWriteTimeUtc != before.LastWriteTimeUtc)
        {
            return null;
        }

        LogHashed(logger, path, before.Length, clock.ElapsedMilliseconds);
        return ChecksumVerdict.Of(before, sha256);
    }

    private async Task SaveAsync(Dictionary<string, ChecksumVerdict> verdicts, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_verdictsPath)!);
        var temporary = _verdictsPath + ".tmp";
        await using (var file = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(file, verdicts, cancellationToken: cancellationToken);
        }

        File.Move(temporary, _verdictsPath, overwrite: true);
    }

    private static ConcurrentDictionary<string, ChecksumVerdict> Load(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            return new(JsonSerializer.Deserialize<Dictionary<string, ChecksumVerdict>>(file) ?? [], StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // Missing or damaged: the files are hashed again, which only costs time.
            return new(StringComparer.Ordinal);
        }
    }

    private static string VerdictsPath(RegistryOptions options) => Path.Combine(Path.GetFullPath(options.DataDir), "registry", "checksums.json");

    [LoggerMessage(LogLevel.Information, "Hashed {Path} ({Bytes} bytes) in {Milliseconds} ms")]
    private static partial void LogHashed(ILogger logger, string path, long bytes, long milliseconds);

    [LoggerMessage(LogLevel.Warning, "Cannot hash {Path}: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);
}
