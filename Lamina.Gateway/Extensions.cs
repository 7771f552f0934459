using Lamina.Gateway.Ollama;
using Lamina.Gateway.OpenAi;
using Lamina.Gateway.Routing;
using Lamina.Shared.Clients;
using Lamina.Shared.Contracts;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Lamina.Gateway;

public static class Extensions
{
    /// <summary>Adds the REST routes to the services, model routing, the chat forwarder and Ollama's API.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // The gateway's store calls are bookkeeping (batched use, a ready check a second per model), not part of a request: no spans for them.
        builder.AddRedisClient("redis", settings => settings.DisableTracing = true);
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        // Twice the routes' own limit, so a body over it gets their clear 413 rather than a dropped connection.
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
            kestrel.Limits.MaxRequestBodySize = 2 * (builder.Configuration.GetValue<long?>($"{GatewayOptions.Section}:MaxBodyBytes") ?? new GatewayOptions().MaxBodyBytes));
        builder.Services.AddReverseProxy()
            .LoadFromMemory(ServiceRoutes.Routes, ServiceRoutes.Clusters)
            .AddServiceDiscoveryDestinationResolver();
        builder.Services.AddHttpForwarder();
        builder.Services.AddHttpClient<RegistryClient>(client => client.BaseAddress = new("https+http://registry"));
        builder.Services.AddHttpClient<RunnerClient>(client =>
            {
                client.BaseAddress = new("https+http://runner");
                // A start lasts as long as the model takes to load; the caller's token ends the wait.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .WithoutResilience();
        builder.Services.AddHttpClient<DownloaderClient>(client =>
            {
                client.BaseAddress = new("https+http://downloader");
                // A pull's progress lasts as long as the download; the caller's token ends it.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .WithoutResilience();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ModelUse>();
        builder.Services.AddSingleton<ModelRouter>();
        builder.Services.AddSingleton<ModelGate>();
        builder.Services.AddSingleton<Telemetry.GatewayMetrics>();
        builder.Services.AddSingleton<Docs.ApiDocument>();
        foreach (var service in (string[])["registry", "runner", "downloader"])
        {
            builder.Services.AddHttpClient(Docs.ApiDocument.ClientName(service), client => client.BaseAddress = new($"https+http://{service}"));
        }
        builder.Services.AddSingleton<ModelAliases>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ModelAliases>());
        builder.Services.AddHostedService<StoreEvents>();
        builder.Services.AddHostedService<GatewayPresence>();
        builder.Services.AddSingleton<BackendForwarder>();
        builder.Services.AddSingleton<OllamaBackendClient>();
        builder.Services.AddTransient<OllamaCatalog>();
        builder.Services.AddTransient<OllamaAdmission>();
        builder.Services.AddTransient<GenerationRelay>();
        builder.Services.AddTransient<EmbeddingRelay>();
        builder.Services.AddTransient<PullRelay>();
        builder.Services.ConfigureHttpJsonOptions(options => LaminaJson.Configure(options.SerializerOptions));
    }

    /// <summary>Lets in only requests with a key when keys are set, and says once listening who can reach it.</summary>
    public static void UseApiKeys(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        app.Lifetime.ApplicationStarted.Register(() => Security.Reach.Say(app, options));
        app.UseMiddleware<Security.ApiKeyGate>();
        app.UseMiddleware<Telemetry.ModelRequestMetering>();
    }

    /// <summary>The Lamina REST routes, proxied to the service that owns each; a service that does not respond is a ProblemDetails naming it.</summary>
    public static void MapServiceRoutes(this WebApplication app) =>
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(Errors.ProxyFailures.ExplainAsync);
            // YARP's own steps, which a custom pipeline must name.
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
}
