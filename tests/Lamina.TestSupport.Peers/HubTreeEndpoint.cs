using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lamina.TestSupport.Peers;

/// <summary><c>GET /api/models/{repoId}/tree/{revision}[/{path}][?recursive=true]</c>: files and directories.</summary>
internal static class HubTreeEndpoint
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Map(IEndpointRouteBuilder app, HuggingFaceHub hub) =>
        app.MapGet("/api/models/{owner}/{name}/tree/{revision}/{**path}",
            async (HttpContext context, string owner, string name, string revision, string? path, string? recursive) =>
            {
                if (await hub.FindAsync(context, $"{owner}/{name}", revision) is not { } found)
                    return;
                var under = (path ?? "").Trim('/');
                var entries = List(found.Files.Values, under, recursive is "1" || bool.TryParse(recursive, out var r) && r);
                if (entries.Count == 0 && under.Length > 0)
                    await HubErrors.WriteAsync(context, StatusCodes.Status404NotFound, "EntryNotFound", $"{under} does not exist on \"{revision}\"");
                else
                    await context.Response.WriteAsJsonAsync(entries, Json);
            });

    private static List<TreeEntry> List(IEnumerable<HubFile> files, string under, bool recursive)
    {
        var prefix = under.Length == 0 ? "" : under + "/";
        var entries = new Dictionary<string, TreeEntry>(StringComparer.Ordinal);
        foreach (var file in files.Where(f => f.Path.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var parts = file.Path[prefix.Length..].Split('/');
            for (var depth = 1; depth < parts.Length && (recursive || depth == 1); depth++)
            {
                var directory = prefix + string.Join('/', parts[..depth]);
                entries.TryAdd(directory, new TreeEntry("directory", GitHash.Of(directory), 0, directory));
            }
            if (recursive || parts.Length == 1)
                entries[file.Path] = FileEntryOf(file);
        }
        return [.. entries.Values.OrderBy(e => e.Path, StringComparer.Ordinal)];
    }

    private static TreeEntry FileEntryOf(HubFile file) =>
        file.Sha256 is null
            ? new TreeEntry("file", file.GitOid, file.Size, file.Path)
            : new TreeEntry("file", file.GitOid, file.Size, file.Path, new TreeLfs(file.Sha256, file.Size, file.PointerSize));
}
