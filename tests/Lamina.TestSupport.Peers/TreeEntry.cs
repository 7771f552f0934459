namespace Lamina.TestSupport.Peers;

/// <summary>One element of the tree API's answer: a file or a directory.</summary>
internal sealed record TreeEntry(string Type, string Oid, long Size, string Path, TreeLfs? Lfs = null);
