using Microsoft.AspNetCore.Http;

namespace Lamina.TestSupport.Peers;

/// <summary>Errors as the hub gives them: a status, <c>X-Error-Code</c>, <c>X-Error-Message</c>, and a JSON body.</summary>
internal static class HubErrors
{
    public static Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers["X-Error-Code"] = code;
        response.Headers["X-Error-Message"] = message;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = message });
    }
}
