using Lamina.Registry.Catalog;
using Lamina.Shared.Contracts;
using Microsoft.Extensions.Options;

namespace Lamina.Registry;

public static class Extensions
{
    /// <summary>Adds the catalog, its options and the Redis client it reads live state from.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");
        builder.Services.AddOptions<RegistryOptions>()
            .BindConfiguration(RegistryOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<GgufHeaders>();
        builder.Services.AddSingleton<ChecksumVerifier>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ChecksumVerifier>());
        builder.Services.AddSingleton<ManifestSeed>();
        builder.Services.AddSingleton<ModelCatalog>();
        builder.Services.AddHostedService<ManifestWatcher>();
        builder.Services.AddSingleton<LiveInstances>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LiveInstances>());
        builder.Services.AddSingleton<Suggester>();
        builder.Services.AddSingleton<ManifestWriter>();
        builder.Services.AddHealthChecks().AddCheck<ManifestHealthCheck>("manifest");
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            LaminaJson.Configure(options.SerializerOptions);
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, RegistryJsonContext.Default);
        });
    }
}
