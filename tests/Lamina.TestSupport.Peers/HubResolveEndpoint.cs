using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lamina.TestSupport.Peers;

/// <summary><c>GET|HEAD /{repoId}/resolve/{revision}/{path}</c>: a 302 to the CDN for LFS files, the bytes otherwise.</summary>
internal static class HubResolveEndpoint
{
    public static void Map(IEndpointRouteBuilder app, HuggingFaceHub hub) =>
        app.MapMethods("/{owner}/{name}/resolve/{revision}/{**path}", [HttpMethods.Get, HttpMethods.Head],
            (HttpContext context, string owner, string name, string revision, string? path) =>
                ResolveAsync(context, hub, $"{owner}/{name}", revision, path ?? ""));

    private static async Task ResolveAsync(HttpContext context, HuggingFaceHub hub, string repoId, string revision, string path)
    {
        if (await hub.FindAsync(context, repoId, revision) is not { } found)
            return;
        if (!found.Files.TryGetValue(path, out var file))
        {
            await HubErrors.WriteAsync(context, StatusCodes.Status404NotFound, "EntryNotFound", $"{path} does not exist on \"{revision}\"");
            return;
        }
        var response = context.Response;
        response.Headers["X-Repo-Commit"] = found.Commit;
        response.Headers.ETag = $"\"{file.GitOid}\"";
        response.Headers.AcceptRanges = "bytes";
        if (file.Content is null)
            await RedirectAsync(context, hub, file);
        else
            await SendAsync(context, file.Content, response.Headers.ETag.ToString());
    }

    private static Task RedirectAsync(HttpContext context, HuggingFaceHub hub, HubFile file)
    {
        var response = context.Response;
        var location = hub.Cdn.UrlOf(file.CdnPath).AbsoluteUri;
        response.StatusCode = StatusCodes.Status302Found;
        response.Headers.Location = location;
        response.Headers["X-Linked-Etag"] = $"\"{file.Sha256}\"";
        response.Headers["X-Linked-Size"] = file.Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Like the hub, the redirect has a small body of its own: its Content-Length is not the file's size.
        var body = $"Found. Redirecting to {location}";
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.WriteAsync(body);
    }

    private static async Task SendAsync(HttpContext context, byte[] content, string etag)
    {
        var response = context.Response;
        var range = RangeRequest.Read(context.Request, content.Length, etag, DateTimeOffset.MinValue);
        if (range is { IsUnsatisfiable: true })
        {
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            response.Headers.ContentRange = $"bytes */{content.Length}";
            return;
        }
        var body = range ?? new ByteRange(0, content.Length);
        if (range is not null)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = body.ContentRange(content.Length);
        }
        response.ContentType = "application/octet-stream";
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
            await response.Body.WriteAsync(content.AsMemory((int)body.Start, (int)body.Length), context.RequestAborted);
    }
}
