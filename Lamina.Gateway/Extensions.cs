using Lamina.Gateway.Ollama;
using Lamina.Gateway.OpenAi;
using Lamina.Gateway.Routing;
using Lamina.Shared.Contracts;

namespace Lamina.Gateway;

public static class Extensions
{
    /// <summary>Adds the REST routes to the services, model routing, the chat forwarder and Ollama's API.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");
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
        builder.Services.AddSingleton<ModelRouter>();
        builder.Services.AddHostedService<GatewayPresence>();
        builder.Services.AddSingleton<BackendForwarder>();
        builder.Services.AddSingleton<OllamaBackendClient>();
        builder.Services.AddTransient<OllamaCatalog>();
        builder.Services.AddTransient<GenerationRelay>();
        builder.Services.AddTransient<EmbeddingRelay>();
        builder.Services.AddTransient<PullRelay>();
        builder.Services.ConfigureHttpJsonOptions(options => LaminaJson.Configure(options.SerializerOptions));
    }
}
