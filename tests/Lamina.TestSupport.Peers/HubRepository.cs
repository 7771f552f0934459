using System.Collections.Concurrent;

namespace Lamina.TestSupport.Peers;

/// <summary>A hub repository: revisions by branch name, each at a commit derived from the repository and branch.</summary>
internal sealed class HubRepository(string id)
{
    private readonly ConcurrentDictionary<string, HubRevision> _revisions = new(StringComparer.Ordinal);

    /// <summary>The token a request must bear, for a gated repository.</summary>
    public string? GateToken { get; set; }

    public HubRevision Revision(string name) =>
        _revisions.GetOrAdd(name, branch => new HubRevision(GitHash.Of($"{id}@{branch}")));

    /// <summary>A revision by branch name or by commit sha.</summary>
    public HubRevision? Find(string revision) =>
        _revisions.TryGetValue(revision, out var found)
            ? found
            : _revisions.Values.FirstOrDefault(r => r.Commit == revision);
}
