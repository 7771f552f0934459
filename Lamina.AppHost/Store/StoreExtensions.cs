using Microsoft.Extensions.DependencyInjection;
using Lamina.Shared.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lamina.AppHost.Store;

public static class StoreExtensions
{
    /// <summary>
    /// The <c>redis</c> resource: the Redis container when a container engine answers, else
    /// redis-server from PATH, else Lamina's embedded Garnet store, so the system always starts.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddLaminaStore(this IDistributedApplicationBuilder builder, LaminaSettings settings)
    {
        var kind = settings.Store;
        if (kind == StoreKind.Auto)
        {
            kind = ContainerRuntime.Answers() ? StoreKind.Container
                : LocalMachine.FindOnPath("redis-server") is not null ? StoreKind.RedisServer
                : StoreKind.Embedded;
        }

        Console.WriteLine($"Lamina store: {Describe(kind)}");
        return kind switch
        {
            StoreKind.Container => builder.AddRedis("redis").WithDataVolume("lamina-redis").WithPersistence(),
            StoreKind.RedisServer => builder.AddLocalStore(LocalMachine.FindOnPath("redis-server") ?? "redis-server", settings, (port, dir) =>
                ["--port", port, "--bind", "127.0.0.1", "--appendonly", "yes", "--dir", dir, "--save", ""]),
            _ => builder.AddLocalStore(LocalMachine.DotnetHost(), settings, (port, dir) =>
                [Path.Combine(AppContext.BaseDirectory, "Lamina.Store.dll"), "--port", port, "--bind", "127.0.0.1", "--dir", dir]),
        };
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalStore(
        this IDistributedApplicationBuilder builder, string command, LaminaSettings settings, Func<string, string, string[]> arguments)
    {
        var dataDir = Path.Combine(settings.DataDir, "redis");
        Directory.CreateDirectory(dataDir);

        // A port of our own, not proxied: every Redis call of every service saves a hop.
        var port = LocalMachine.FreePort();
        var store = new StoreResource("redis", command, dataDir);
        var check = $"{store.Name}-ping";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(check, _ => new StorePingCheck(store), HealthStatus.Unhealthy, tags: null));
        return builder.AddResource(store)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
            .WithArgs(arguments(port.ToString(System.Globalization.CultureInfo.InvariantCulture), dataDir))
            .WithHealthCheck(check);
    }

    private static string Describe(StoreKind kind) => kind switch
    {
        StoreKind.Container => "Redis container (persistent volume lamina-redis)",
        StoreKind.RedisServer => "redis-server from PATH (append-only file under the data folder)",
        _ => "embedded Garnet store (no container engine and no redis-server found)",
    };
}
