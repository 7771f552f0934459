using Lamina.Gateway.Ollama;
using Lamina.Gateway.OpenAi;
using Microsoft.AspNetCore.Mvc;

namespace Lamina.Gateway.Errors;

/// <summary>Which of the gateway's three API families a path belongs to, and its own shape of an error body.</summary>
public static class ApiFamily
{
    /// <summary>An error for the request's path: OpenAI's on <c>/v1</c>, Ollama's on <c>/api</c>, ProblemDetails elsewhere.</summary>
    public static async Task WriteErrorAsync(HttpContext context, int status, string message, string code)
    {
        context.Response.StatusCode = status;
        var path = context.Request.Path;
        if (path.StartsWithSegments("/v1"))
        {
            await context.Response.WriteAsJsonAsync(new OpenAiError(new OpenAiError.Detail(message, OpenAiError.TypeOf(status), code)));
        }
        else if (path.StartsWithSegments("/api"))
        {
            await context.Response.WriteAsJsonAsync(new OllamaError(message));
        }
        else
        {
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails { Status = status, Detail = message, Type = code },
            });
        }
    }
}
