using System.Collections.Concurrent;

namespace Lamina.TestSupport.Peers;

/// <summary>The files a repository has at one commit.</summary>
internal sealed class HubRevision(string commit)
{
    public string Commit { get; } = commit;

    public ConcurrentDictionary<string, HubFile> Files { get; } = new(StringComparer.Ordinal);
}
