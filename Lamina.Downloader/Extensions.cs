using Lamina.Downloader.Jobs;
using Lamina.Shared.Clients;
using Lamina.Downloader.Sources;
using Lamina.Downloader.Transfer;
using Lamina.Shared.Contracts;
using Microsoft.Extensions.Options;

namespace Lamina.Downloader;

public static class Extensions
{
    /// <summary>
    /// Adds the download queue (in the store the AppHost gives), the workers that run it, the
    /// sources and the transfer engine.
    /// </summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");
        builder.Services.AddOptions<DownloaderOptions>().BindConfiguration(DownloaderOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DownloaderOptions>, DownloaderOptionsValidator>();
        builder.Services.AddOptions<HuggingFaceOptions>().BindConfiguration(HuggingFaceOptions.Section);
        builder.Services.AddOptions<OllamaOptions>().BindConfiguration(OllamaOptions.Section);
        builder.Services.AddSingleton(new ModelsFolder(Path.GetFullPath(builder.Configuration["Lamina:ModelsDir"] is { Length: > 0 } dir ? dir : "models")));
        builder.Services.AddSingleton(TimeProvider.System);

        // Downloads run for hours and handle their own stalls and retries: no overall timeout, no retry policy on top.
        builder.Services.AddHttpClient("transfer", http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => Handler(followRedirects: true))
            .WithoutResilience();
        builder.Services.AddSingleton(services => new FileTransfer(
            services.GetRequiredService<IHttpClientFactory>().CreateClient("transfer"),
            services.GetRequiredService<IOptions<DownloaderOptions>>().Value,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<FileTransfer>>()));
        // The hub's redirects to its file servers are read, not followed: they carry the file's size and digest.
        builder.Services.AddHttpClient<HuggingFaceSource>().ConfigurePrimaryHttpMessageHandler(() => Handler(followRedirects: false)).WithoutResilience();
        builder.Services.AddHttpClient<OllamaSource>().ConfigurePrimaryHttpMessageHandler(() => Handler(followRedirects: true)).WithoutResilience();
        builder.Services.AddHttpClient<RegistryClient>(http => http.BaseAddress = new Uri("https+http://registry"));

        builder.Services.AddSingleton<DownloadQueue>();
        builder.Services.AddSingleton<JobRunner>();
        builder.Services.AddHostedService<DownloadWorker>();
        builder.Services.ConfigureHttpJsonOptions(options => LaminaJson.Configure(options.SerializerOptions));
    }

    private static SocketsHttpHandler Handler(bool followRedirects) => new()
    {
        AllowAutoRedirect = followRedirects,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        MaxConnectionsPerServer = 256,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };
}
