using System.Text;

namespace Lamina.TestSupport.Peers;

/// <summary>A file in a hub repository: small ones live in git, LFS ones on the CDN under their sha256.</summary>
internal sealed record HubFile(string Path, long Size, string GitOid, string? Sha256, int PointerSize, byte[]? Content)
{
    public static HubFile Git(string path, byte[] content) =>
        new(path, content.Length, GitHash.Blob(content), null, 0, content);

    public static HubFile Lfs(string path, long size, string sha256)
    {
        // What git stores for an LFS file is this pointer; the tree lists its oid and size.
        var pointer = Encoding.ASCII.GetBytes($"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n");
        return new(path, size, GitHash.Blob(pointer), sha256, pointer.Length, null);
    }

    public string CdnPath => $"/repos/{Sha256}";
}
