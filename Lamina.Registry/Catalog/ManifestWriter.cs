using System.Text;
using System.Text.Json.Nodes;
using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;
using StackExchange.Redis;

namespace Lamina.Registry.Catalog;

/// <summary>
/// The one writer of the manifest. Writes are serialised, checked against the caller's
/// If-Match version, validated before they land, and atomic (a temporary file renamed over the
/// manifest), so no reader ever sees half a file and no concurrent update is lost.
/// </summary>
public sealed class ManifestWriter(ModelCatalog catalog, IConnectionMultiplexer redis)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public Task<WriteResult> UpsertAsync(string name, JsonObject entry, string? ifMatch, CancellationToken cancellationToken) =>
        WriteAsync(text => ManifestEditor.Upsert(text, name, entry, catalog.ManifestPath), ifMatch, cancellationToken);

    public Task<WriteResult> RemoveAsync(string name, string? ifMatch, CancellationToken cancellationToken) =>
        WriteAsync(text => ManifestEditor.Remove(text, name, catalog.ManifestPath), ifMatch, cancellationToken);

    private async Task<WriteResult> WriteAsync(Func<string, ManifestEdit> edit, string? ifMatch, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var bytes = File.Exists(catalog.ManifestPath) ? await File.ReadAllBytesAsync(catalog.ManifestPath, cancellationToken) : [];
            var version = ModelCatalog.ETagOf(bytes);
            if (ifMatch is not null && ifMatch != "*" && ifMatch != version)
            {
                return new WriteResult(WriteStatus.VersionChanged, version, []);
            }

            var result = edit(Encoding.UTF8.GetString(bytes));
            if (!result.Succeeded)
            {
                var status = result.Outcome == ManifestEditOutcome.NotFound ? WriteStatus.NotFound : WriteStatus.Invalid;
                return new WriteResult(status, version, result.Problems);
            }

            var temporary = catalog.ManifestPath + $".{Environment.ProcessId}.tmp";
            await File.WriteAllTextAsync(temporary, result.Text, cancellationToken);
            File.Move(temporary, catalog.ManifestPath, overwrite: true);
            if (catalog.Refresh())
            {
                // The watcher finds the file already read, so this write announces the new version itself.
                redis.GetDatabase().Publish(RedisChannel.Literal(RedisKeys.ManifestEvents), catalog.Current.ETag, CommandFlags.FireAndForget);
            }

            var outcome = result.Outcome == ManifestEditOutcome.Added ? WriteStatus.Created : WriteStatus.Written;
            return new WriteResult(outcome, catalog.Current.ETag, []);
        }
        finally
        {
            _gate.Release();
        }
    }
}

public enum WriteStatus
{
    Created,
    Written,
    NotFound,
    Invalid,
    VersionChanged,
}

public sealed record WriteResult(WriteStatus Status, string Version, IReadOnlyList<ManifestProblem> Problems);
