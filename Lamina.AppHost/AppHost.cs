using Lamina.AppHost;
using Lamina.AppHost.Store;

var builder = DistributedApplication.CreateBuilder(args);
var settings = LaminaSettings.Read(builder);

var redis = builder.AddLaminaStore(settings);

var registry = builder.AddProject<Projects.Lamina_Registry>("registry")
    .WithLaminaDefaults(redis, settings);

var downloader = builder.AddProject<Projects.Lamina_Downloader>("downloader")
    .WithLaminaDefaults(redis, settings)
    .WithReference(registry).WaitFor(registry);

var runner = builder.AddProject<Projects.Lamina_Runner>("runner")
    .WithLaminaDefaults(redis, settings)
    .WithReference(registry).WaitFor(registry);

builder.AddProject<Projects.Lamina_Gateway>("gateway")
    .WithLaminaDefaults(redis, settings)
    .WithReference(registry).WaitFor(registry)
    .WithReference(runner).WaitFor(runner)
    .WithReference(downloader).WaitFor(downloader)
    .WithPublicEndpoint(settings);

builder.Build().Run();
