using Lamina.Runner.Backends;
using Lamina.Runner.Gpus;
using Lamina.Runner.Instances;
using Lamina.Shared.Clients;
using Lamina.Shared.Contracts;
using Microsoft.Extensions.Options;

namespace Lamina.Runner;

public static class Extensions
{
    /// <summary>Adds backend resolution, the instance supervisor and the clients it needs.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");
        builder.Services.AddOptions<RunnerOptions>()
            .BindConfiguration(RunnerOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RunnerOptions>, RunnerOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient<RegistryClient>(client => client.BaseAddress = new("https+http://registry"));
        builder.Services.AddSingleton<GpuInventory>();
        builder.Services.AddSingleton<BackendResolver>();
        builder.Services.AddSingleton<BackendDetector>();
        builder.Services.AddSingleton<BackendProbe>();
        builder.Services.AddSingleton<InstanceStore>();
        builder.Services.AddHostedService(services => services.GetRequiredService<InstanceStore>());
        builder.Services.AddSingleton<StartLocks>();
        builder.Services.AddSingleton<UsageRecords>();
        var dataDir = builder.Configuration["Lamina:DataDir"] is { Length: > 0 } dir ? dir : ".lamina";
        builder.Services.AddSingleton(services => new BackendRecords(
            Path.Combine(Path.GetFullPath(dataDir), "runner", "backends.json"), services.GetRequiredService<ILogger<BackendRecords>>()));
        builder.Services.AddSingleton<TrackedTasks>();
        builder.Services.AddSingleton<RunningInstances>();
        builder.Services.AddSingleton(services =>
        {
            var runner = services.GetRequiredService<IOptions<RunnerOptions>>().Value;
            return new CrashRestarts(runner.MaxRestarts, runner.RestartDelay, services.GetRequiredService<TimeProvider>());
        });
        builder.Services.AddSingleton<StartCoordinator>();
        builder.Services.AddSingleton<ModelLauncher>();
        builder.Services.AddSingleton<BackendSupervisor>();
        builder.Services.AddSingleton<InstanceManager>();
        builder.Services.AddHostedService(services => services.GetRequiredService<InstanceManager>());
        builder.Services.AddHostedService<IdleStopper>();
        builder.Services.ConfigureHttpJsonOptions(options => LaminaJson.Configure(options.SerializerOptions));
    }
}
