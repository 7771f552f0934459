using Yarp.ReverseProxy.Configuration;

namespace Lamina.Gateway.Routing;

/// <summary>The Lamina REST routes and the service that owns each, found by service discovery.</summary>
public static class ServiceRoutes
{
    // Before the routes: static fields start in the order they are written.
    private static readonly Dictionary<string, string> RemoveClientKey = new() { ["RequestHeaderRemove"] = "Authorization" };

    public static IReadOnlyList<RouteConfig> Routes { get; } =
    [
        Route("models", "registry", "/models/{**rest}"),
        Route("manifest", "registry", "/manifest"),
        Route("categories", "registry", "/categories"),
        Route("stats", "registry", "/stats"),
        Route("suggest", "registry", "/suggest", "POST"),
        Route("model-start", "runner", "/models/{name}/start", "POST", "/instances/{name}/start"),
        Route("model-stop", "runner", "/models/{name}/stop", "POST", "/instances/{name}/stop"),
        Route("instances", "runner", "/instances/{**rest}"),
        Route("gpus", "runner", "/gpus"),
        Route("backends", "runner", "/backends"),
        Route("downloads", "downloader", "/downloads/{**rest}"),
        Route("download", "downloader", "/download", "POST"),
    ];

    public static IReadOnlyList<ClusterConfig> Clusters { get; } =
    [
        Cluster("registry"),
        Cluster("runner"),
        Cluster("downloader"),
    ];

    private static RouteConfig Route(string id, string cluster, string path, string? method = null, string? upstreamPath = null) => new()
    {
        RouteId = id,
        ClusterId = cluster,
        Match = new RouteMatch { Path = path, Methods = method is null ? null : [method] },
        // The client's key is the gateway's to check; the services behind it never see it.
        Transforms = upstreamPath is null
            ? [RemoveClientKey]
            : [new Dictionary<string, string> { ["PathPattern"] = upstreamPath }, RemoveClientKey],
    };

    private static ClusterConfig Cluster(string service) => new()
    {
        ClusterId = service,
        Destinations = new Dictionary<string, DestinationConfig>
        {
            [service] = new() { Address = $"https+http://{service}" },
        },
    };
}
