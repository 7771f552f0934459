namespace Lamina.TestSupport.Peers;

/// <summary>The <c>lfs</c> object of an LFS file in the tree API: the sha256 and size of the real content.</summary>
internal sealed record TreeLfs(string Oid, long Size, int PointerSize);
