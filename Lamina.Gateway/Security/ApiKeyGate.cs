using Lamina.Gateway.Errors;
using Microsoft.Extensions.Options;

namespace Lamina.Gateway.Security;

/// <summary>
/// Lets a request in when it carries a known key (<c>Authorization: Bearer &lt;key&gt;</c>, as OpenAI and
/// Ollama clients send it). Routes that change things take an admin key when admin keys are set.
/// Refusals come in the shape of the route's family. Without keys every request comes in, and the
/// gateway listens on localhost only.
/// </summary>
public sealed partial class ApiKeyGate(RequestDelegate next, IOptions<GatewayOptions> options, ILogger<ApiKeyGate> logger)
{
    private readonly ApiKeys _keys = new(options.Value.ApiKeyList);
    private readonly ApiKeys _admin = new(options.Value.AdminKeyList);

    // Requests that use models rather than change what Lamina holds.
    private static readonly string[] UsePaths = ["/v1/", "/api/chat", "/api/generate", "/api/embed", "/api/show", "/suggest", "/chat/"];

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (_keys.IsEmpty || path is "/health" or "/alive" || IsDocs(context.Request.Method, path))
        {
            await next(context);
            return;
        }

        var presented = Bearer(context.Request.Headers.Authorization.ToString());
        if (presented.Length == 0 || !(_keys.Accepts(presented) || (!_admin.IsEmpty && _admin.Accepts(presented))))
        {
            LogRefused(logger, context.Request.Method, path, presented.Length == 0 ? "no key" : "an unknown key");
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, presented.Length == 0
                ? "this Lamina needs an API key: send Authorization: Bearer <key> with a key from Lamina:Gateway:ApiKeys"
                : "the API key is not one of Lamina:Gateway:ApiKeys; check it, or ask for a key");
            return;
        }

        if (!_admin.IsEmpty && ChangesThings(context.Request.Method, path) && !_admin.Accepts(presented))
        {
            LogRefused(logger, context.Request.Method, path, "a key that is not an admin key");
            await RefuseAsync(context, StatusCodes.Status403Forbidden,
                $"{context.Request.Method} {path} changes what Lamina runs or holds and needs an admin key (Lamina:Gateway:AdminKeys)");
            return;
        }

        await next(context);
    }

    private static bool ChangesThings(string method, string path) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        && !UsePaths.Any(use => path.StartsWith(use, StringComparison.Ordinal));

    private static string Bearer(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";

    private static Task RefuseAsync(HttpContext context, int status, string message) =>
        ApiFamily.WriteErrorAsync(context, status, message, status == StatusCodes.Status401Unauthorized ? "invalid_api_key" : "insufficient_permissions");

    /// <summary>The API's description and its reference page, which a browser opens without a header: they describe routes and hold no data.</summary>
    private static bool IsDocs(string method, string path) =>
        HttpMethods.IsGet(method) && (path == "/docs" || path.StartsWith("/docs/", StringComparison.Ordinal) || path.StartsWith("/openapi/", StringComparison.Ordinal));

    [LoggerMessage(LogLevel.Information, "Refused {Method} {Path}: {Why}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string why);
}
