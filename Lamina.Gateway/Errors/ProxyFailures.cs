using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Lamina.Gateway.Errors;

/// <summary>A REST route's service that is down or cut off mid-response: ProblemDetails that name the service, where YARP leaves the body empty.</summary>
public static class ProxyFailures
{
    public static async Task ExplainAsync(HttpContext context, Func<Task> next)
    {
        await next();
        if (context.GetForwarderErrorFeature() is not { } failure || context.Response.HasStarted)
        {
            return;
        }

        var service = context.GetReverseProxyFeature().Cluster?.Config.ClusterId ?? "owning";
        await ApiFamily.WriteErrorAsync(context, context.Response.StatusCode is >= 400 and var status ? status : StatusCodes.Status502BadGateway,
            $"the {service} service did not answer {context.Request.Method} {context.Request.Path} ({failure.Error}); it may be starting or restarting, try again in a few seconds",
            "service_unavailable");
    }
}
