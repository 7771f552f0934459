using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lamina.AppHost.Tests;

/// <summary>The application model the AppHost builds, read without starting anything.</summary>
public sealed class AppModelTests
{
    [Fact]
    public async Task EveryLaminaSettingReachesTheServicesAndSecretsTravelAsSecretParameters()
    {
        await using var app = await BuildAsync(
            "--Lamina:Store=embedded",
            "--Lamina:Runner:LoadTimeout=00:02:00",
            "--Lamina:HuggingFace:Token=hf_secret_value",
            "--Lamina:Manifest=relative/models.yaml");

        var runner = Resource<ProjectResource>(app, "runner");
        var configuration = await ExecutionConfigurationBuilder.Create(runner).WithEnvironmentVariablesConfig()
            .BuildAsync(app.Services.GetRequiredService<DistributedApplicationExecutionContext>(), NullLogger.Instance, CancellationToken.None);
        var environment = configuration.EnvironmentVariables.ToDictionary(pair => pair.Key, pair => pair.Value);

        Assert.Equal("00:02:00", environment["Lamina__Runner__LoadTimeout"]);
        Assert.True(Path.IsPathRooted(environment["Lamina__Manifest"]));
        Assert.EndsWith(Path.Combine("relative", "models.yaml"), environment["Lamina__Manifest"]);
        var token = Assert.Single(app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>(), p => p.Name == "huggingface-token");
        Assert.True(token.Secret);
        Assert.True(environment.ContainsKey("Lamina__HuggingFace__Token"));
    }

    [Fact]
    public async Task WithoutAManifestSettingTheLiveManifestIsInTheDataFolderAndTheCatalogIsTheRepositorys()
    {
        await using var app = await BuildAsync("--Lamina:Store=embedded", "--Lamina:DataDir=/tmp/lamina-data");

        var registry = Resource<ProjectResource>(app, "registry");
        var configuration = await ExecutionConfigurationBuilder.Create(registry).WithEnvironmentVariablesConfig()
            .BuildAsync(app.Services.GetRequiredService<DistributedApplicationExecutionContext>(), NullLogger.Instance, CancellationToken.None);
        var environment = configuration.EnvironmentVariables.ToDictionary(pair => pair.Key, pair => pair.Value);

        Assert.Equal(Path.Combine("/tmp/lamina-data", "models.yaml"), environment["Lamina__Manifest"]);
        Assert.Equal("models.yaml", Path.GetFileName(environment["Lamina__Catalog"]));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(environment["Lamina__Catalog"])!, "Lamina.Aspire.sln")));
    }

    [Fact]
    public async Task ResourcesHaveTheirStableNames()
    {
        await using var app = await BuildAsync("--Lamina:Store=embedded");

        var names = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Select(r => r.Name).ToHashSet();

        Assert.Superset(new HashSet<string> { "redis", "registry", "downloader", "runner", "gateway" }, names);
    }

    [Fact]
    public async Task GatewayListensOnTheConfiguredPortWithoutAProxy()
    {
        await using var app = await BuildAsync("--Lamina:Store=embedded", "--Lamina:GatewayPort=9123");

        var endpoint = Resource<ProjectResource>(app, "gateway").Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");

        Assert.Equal(9123, endpoint.Port);
        Assert.Equal(9123, endpoint.TargetPort);
        Assert.False(endpoint.IsProxied);
    }

    [Theory]
    [InlineData(null, "localhost")]
    [InlineData("--Lamina:Gateway:ApiKeys=key-1,key-2", "0.0.0.0")]
    // No key at all, as the gateway reads it: it lets everyone in, so it must not listen on the network.
    [InlineData("--Lamina:Gateway:ApiKeys= , ", "localhost")]
    public async Task WithoutKeysTheGatewayListensOnThisMachineOnlyAndItAloneIsExternal(string? keys, string host)
    {
        await using var app = await BuildAsync(["--Lamina:Store=embedded", .. keys is null ? Array.Empty<string>() : [keys]]);

        var endpoints = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>()
            .SelectMany(project => project.Annotations.OfType<EndpointAnnotation>().Select(endpoint => (Project: project.Name, Endpoint: endpoint)))
            .ToList();

        Assert.Equal(host, endpoints.Single(e => e.Project == "gateway" && e.Endpoint.Name == "http").Endpoint.TargetHost);
        Assert.Equal(["gateway"], endpoints.Where(e => e.Endpoint.IsExternal).Select(e => e.Project).Distinct());
    }

    [Fact]
    public async Task TheDeploymentManifestGivesOnlyTheGatewayAnExternalEndpointAndKeepsKeysSecret()
    {
        var folder = Directory.CreateTempSubdirectory("lamina-manifest-").FullName;
        var path = Path.Combine(folder, "aspire-manifest.json");
        try
        {
            await using var app = await BuildAsync("--Lamina:Gateway:ApiKeys=key-1", "--publisher", "manifest", "--output-path", path);
            await app.RunAsync();

            var resources = JsonNode.Parse(await File.ReadAllTextAsync(path))!["resources"]!.AsObject();
            var external = resources
                .Where(resource => resource.Value!["bindings"] is JsonObject bindings && bindings.Any(binding => binding.Value!["external"]?.GetValue<bool>() == true))
                .Select(resource => resource.Key);
            Assert.Equal(["gateway"], external);
            Assert.Equal("{gateway-apikeys.value}", resources["gateway"]!["env"]!["Lamina__Gateway__ApiKeys"]!.GetValue<string>());
            Assert.True(resources["gateway-apikeys"]!["inputs"]!["value"]!["secret"]!.GetValue<bool>());
            Assert.DoesNotContain("key-1", await File.ReadAllTextAsync(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("--Lamina:Store=floppy", "Lamina:Store")]
    [InlineData("--Lamina:GatewayPort=99999", "Lamina:GatewayPort")]
    public async Task BadSettingIsRefusedNamingTheKey(string argument, string key)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => BuildAsync(argument));

        Assert.Contains(key, Flatten(error));
    }

    private static async Task<DistributedApplication> BuildAsync(params string[] args)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Lamina_AppHost>(args);
        return await builder.BuildAsync();
    }

    private static T Resource<T>(DistributedApplication app, string name) where T : IResource =>
        app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<T>().Single(r => r.Name == name);

    private static string Flatten(Exception error) => error.InnerException is null ? error.Message : error.Message + " " + Flatten(error.InnerException);
}
