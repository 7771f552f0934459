using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lamina.TestSupport.Peers;

/// <summary>The two routes an Ollama pull uses: manifests, and blobs answered with a redirect to the CDN.</summary>
internal static class OllamaEndpoints
{
    public static void Map(IEndpointRouteBuilder app, OllamaRegistry registry)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/v2/{space}/{model}/manifests/{tag}", methods,
            (HttpContext context, string space, string model, string tag) =>
                registry.Manifest($"{space}/{model}", tag) is { } json
                    ? ManifestAsync(context, json)
                    : ErrorAsync(context, "MANIFEST_UNKNOWN", "manifest unknown"));
        app.MapMethods("/v2/{space}/{model}/blobs/{digest}", methods,
            (HttpContext context, string digest) =>
            {
                if (registry.BlobUrl(digest) is not { } url)
                    return ErrorAsync(context, "BLOB_UNKNOWN", "blob unknown to registry");
                context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                context.Response.Headers.Location = url.AbsoluteUri;
                return Task.CompletedTask;
            });
    }

    private static Task ManifestAsync(HttpContext context, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var response = context.Response;
        response.ContentType = OllamaManifest.ContentType;
        response.ContentLength = body.Length;
        response.Headers["Docker-Content-Digest"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }

    private static Task ErrorAsync(HttpContext context, string code, string message)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        var error = new { errors = new[] { new { code, message } } };
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.WriteAsJsonAsync(error);
    }
}
