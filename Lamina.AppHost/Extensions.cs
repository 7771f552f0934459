using Microsoft.Extensions.DependencyInjection;
using Lamina.Shared.Hosting;
using Microsoft.Extensions.Logging;

namespace Lamina.AppHost;

public static class Extensions
{
    /// <summary>
    /// What every Lamina service gets: the store, a health check the AppHost waits on, and
    /// every <c>Lamina:*</c> setting (secrets as secret parameters).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLaminaDefaults(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<IResourceWithConnectionString> redis, LaminaSettings settings)
    {
        service.WithReference(redis).WaitFor(redis).WithHttpHealthCheck("/health");

        // Services call each other on every request: a port of their own, no proxy hop in between.
        service.WithEndpoint("http", endpoint =>
        {
            endpoint.Port = endpoint.TargetPort = LocalMachine.FreePort();
            endpoint.IsProxied = false;
        });
        // Under `dotnet run` every request is traced, for the dashboard; a published service samples (Lamina:Telemetry:SampleRatio).
        if (service.ApplicationBuilder.ExecutionContext.IsRunMode && !settings.Passed.ContainsKey("Telemetry:SampleRatio"))
        {
            service.WithEnvironment("Lamina__Telemetry__SampleRatio", "1");
        }

        foreach (var (key, value) in settings.Passed)
        {
            var variable = "Lamina__" + key.Replace(":", "__", StringComparison.Ordinal);
            if (LaminaSettings.Secrets.Contains(key))
            {
                var name = key.Replace(":", "-", StringComparison.Ordinal).ToLowerInvariant();
                var parameter = service.ApplicationBuilder.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == name) is { } existing
                    ? service.ApplicationBuilder.CreateResourceBuilder(existing)
                    : service.ApplicationBuilder.AddParameter(name, value, secret: true);
                service.WithEnvironment(variable, parameter);
            }
            else
            {
                service.WithEnvironment(variable, value);
            }
        }

        return service;
    }

    /// <summary>The gateway listens on the given port itself (no proxy in between) and says where it is once ready.</summary>
    public static IResourceBuilder<ProjectResource> WithPublicEndpoint(this IResourceBuilder<ProjectResource> gateway, LaminaSettings settings)
    {
        var port = settings.GatewayPort;
        // Without API keys anyone who reaches the port may run models: then only this machine may.
        var open = settings.Passed.TryGetValue("Gateway:ApiKeys", out var keys) && KeyList.Parse(keys).Length > 0;
        gateway.WithEndpoint("http", endpoint =>
        {
            endpoint.Port = port;
            endpoint.TargetPort = port;
            endpoint.IsProxied = false;
            endpoint.TargetHost = open ? "0.0.0.0" : "localhost";
        });
        gateway.WithExternalHttpEndpoints();
        gateway.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(gateway.Resource, (ready, _) =>
        {
            var logger = ready.Services.GetRequiredService<ResourceLoggerService>().GetLogger(ready.Resource);
            logger.LogInformation("Lamina is ready: REST, OpenAI /v1 and Ollama /api at http://localhost:{Port}", port);
            Console.WriteLine($"Lamina gateway: http://localhost:{port} (OpenAI-compatible at http://localhost:{port}/v1)");
            Console.WriteLine(open
                ? $"API keys required; listening on every network interface, port {port}"
                : "No API keys (Lamina:Gateway:ApiKeys): listening on localhost only; set keys to open the gateway to the network");
            return Task.CompletedTask;
        });
        return gateway;
    }
}
