using Microsoft.AspNetCore.Diagnostics;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Lamina.Gateway.Errors;

/// <summary>
/// A Lamina service the gateway asks itself (the Registry for the catalog, the Downloader for a pull, the Runner
/// for a start) that does not respond: a 503 that says so in the route's own family shape, not an empty 500.
/// Anything else is a 500 that names what failed and points at the gateway's log, without a stack trace.
/// </summary>
public sealed partial class ServiceFailures(ILogger<ServiceFailures> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (context.Response.HasStarted)
        {
            return false;
        }

        if (exception is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or TimeoutException)
        {
            LogUnanswered(logger, context.Request.Method, context.Request.Path, exception.Message);
            await ApiFamily.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"a Lamina service this request needs did not answer ({exception.Message}); it may be starting or restarting, try again in a few seconds",
                "service_unavailable");
            return true;
        }

        LogFailed(logger, exception, context.Request.Method, context.Request.Path);
        await ApiFamily.WriteErrorAsync(context, StatusCodes.Status500InternalServerError,
            $"the gateway failed on this request ({exception.GetType().Name}); its log has the details", "internal_error");
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: a service sent no response: {Reason}")]
    private static partial void LogUnanswered(ILogger logger, string method, PathString path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, PathString path);
}
