using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Lamina.Downloader.Transfer;
using Lamina.Shared.Manifest;

namespace Lamina.Downloader.Sources;

/// <summary>A file already on this machine: hard-linked into the models folder when on the same file system, else copied; verified either way.</summary>
public static partial class LocalSource
{
    public static SourcePlan Plan(string model, JsonObject source, string? path, string? format, string? sha256, string modelsDir)
    {
        var from = source["path"] is JsonValue value && value.TryGetValue<string>(out var given) ? given : null;
        if (from is null || !System.IO.Path.IsPathRooted(from))
        {
            throw new TransferException($"local source needs path, the absolute path of the model file, got '{from}'");
        }

        if (!File.Exists(from))
        {
            throw new TransferException($"local source '{from}' is not a file on the Downloader's machine");
        }

        var relative = path ?? $"{model}/{System.IO.Path.GetFileName(from)}";
        var digest = (source["sha256"] is JsonValue digestValue && digestValue.TryGetValue<string>(out var declared) ? declared : sha256)?.ToLowerInvariant();
        return new SourcePlan("local", relative, format ?? ModelFormats.Infer(model, relative, ModelBackends.Auto),
            [new TransferRequest(new Uri(System.IO.Path.GetFullPath(from)), Targets.Inside(modelsDir, relative)) { Sha256 = digest, Size = new FileInfo(from).Length }]);
    }

    /// <summary>Links or copies the file into place, verifying its sha256 before it appears.</summary>
    public static async Task<TransferResult> CopyAsync(TransferRequest file, Action<long> progress, CancellationToken cancellationToken)
    {
        var from = file.Url.LocalPath;
        var partial = file.TargetPath + ".partial";
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file.TargetPath)!);
        File.Delete(partial);
        string sha256;
        long size;
        if (link(from, partial) == 0)
        {
            await using var linked = File.OpenRead(partial);
            size = linked.Length;
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(linked, cancellationToken));
            progress(size);
        }
        else
        {
            await using var source = File.OpenRead(from);
            await using var target = File.Create(partial);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 20];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                progress(read);
            }

            size = target.Length;
            sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        if (file.Sha256 is { } expected && expected != sha256)
        {
            File.Delete(partial);
            throw new TransferException($"sha256 mismatch: the source says {expected}, '{from}' has {sha256}; nothing was kept");
        }

        File.Move(partial, file.TargetPath, overwrite: true);
        return new TransferResult(size, sha256, 0);
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int link(string existing, string created);
}
