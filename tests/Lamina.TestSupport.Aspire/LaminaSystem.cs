using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Lamina.Shared.Hosting;
using Lamina.TestSupport.Gguf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lamina.TestSupport.Aspire;

/// <summary>
/// The whole Lamina system started through its AppHost, on a temporary manifest and models
/// folder holding one tiny real model (<c>tiny</c>), one that is not downloaded (<c>absent</c>) and one whose
/// file no backend can load (<c>broken</c>).
/// </summary>
public sealed class LaminaSystem : IAsyncDisposable
{
    public const string TinyModel = "tiny";
    public const string AbsentModel = "absent";
    public const string BrokenModel = "broken";

    private LaminaSystem(string root, string manifest, string store, int gatewayPort, DistributedApplication app)
    {
        Root = root;
        ManifestPath = manifest;
        Store = store;
        GatewayPort = gatewayPort;
        App = app;
        Gateway = new HttpClient { BaseAddress = new Uri($"http://localhost:{gatewayPort}"), Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>The temporary folder every file and process of this system refers to.</summary>
    public string Root { get; }

    public string Store { get; }

    public int GatewayPort { get; }

    public DistributedApplication App { get; }

    public HttpClient Gateway { get; }

    /// <summary>The real redis-server when it is installed (as in CI), else the embedded store.</summary>
    public static string PreferredStore =>
        LocalMachine.FindOnPath("redis-server") is null ? "embedded" : "redis-server";

    public static Task<LaminaSystem> StartAsync(string store, CancellationToken cancellationToken = default) => StartAsync(store, [], cancellationToken);

    /// <summary>Starts the system with extra <c>--Lamina:...=...</c> settings (peers' endpoints, short timeouts).</summary>
    public static async Task<LaminaSystem> StartAsync(string store, IReadOnlyList<string> settings, CancellationToken cancellationToken = default)
    {
        var root = Directory.CreateTempSubdirectory("lamina-system-").FullName;
        var models = Directory.CreateDirectory(Path.Combine(root, "models")).FullName;
        TinyGguf.Write(Path.Combine(models, "tiny.gguf"));
        // A sound header naming an architecture no llama.cpp knows: "available", but no backend can load it.
        await File.WriteAllBytesAsync(Path.Combine(models, "broken.gguf"), UnknownArchitecture(await File.ReadAllBytesAsync(Path.Combine(models, "tiny.gguf"), cancellationToken)), cancellationToken);
        var manifest = Path.Combine(root, "models.yaml");
        await File.WriteAllTextAsync(manifest, $"""
            models:
              {TinyModel}:
                path: tiny.gguf
                backend: llama.cpp
                size: "1MB"
                description: "Tiny random-weight llama for tests"
                quantization: F32
              {BrokenModel}:
                path: broken.gguf
                backend: embedded
                description: "A GGUF header that lies"
              {AbsentModel}:
                path: absent/absent.gguf
                backend: llama.cpp
                description: "Listed but never downloaded"
                download:
                  huggingface:
                    repo_id: example/absent-GGUF
                    filename: absent.gguf
            categories:
              testing: [{TinyModel}]
            defaults:
              testing: {TinyModel}
            """, cancellationToken);

        return await StartAsync(store, root, settings, cancellationToken);
    }

    /// <summary>Starts the system on a folder the caller prepared: its <c>models.yaml</c> and <c>models/</c>.</summary>
    public static Task<LaminaSystem> StartAsync(string store, string root, IReadOnlyList<string>? settings = null, CancellationToken cancellationToken = default) =>
        StartAsync(store, root, Path.Combine(root, "models.yaml"), settings ?? [], cancellationToken);

    /// <summary>
    /// Starts the system as a new user does, with no <c>Lamina:Manifest</c>: the live manifest is
    /// created in the data folder (under a new temporary folder, with the models folder) from the
    /// repository's catalog.
    /// </summary>
    public static Task<LaminaSystem> StartOnDefaultManifestAsync(string store, IReadOnlyList<string> settings, CancellationToken cancellationToken = default)
    {
        var root = Directory.CreateTempSubdirectory("lamina-system-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "models"));
        return StartAsync(store, root, manifest: null, settings, cancellationToken);
    }

    private static async Task<LaminaSystem> StartAsync(string store, string root, string? manifest, IReadOnlyList<string> settings, CancellationToken cancellationToken)
    {
        var models = Path.Combine(root, "models");
        var port = LocalMachine.FreePort();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Lamina_AppHost>(
            [
                .. manifest is null ? Array.Empty<string>() : [$"--Lamina:Manifest={manifest}"],
                $"--Lamina:ModelsDir={models}",
                $"--Lamina:DataDir={Path.Combine(root, "data")}",
                $"--Lamina:GatewayPort={port}",
                $"--Lamina:Store={store}",
                .. settings,
            ],
            cancellationToken);
        // The services' own logs are in the dashboard; failed health checks while they start are expected.
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Error));
        // No dashboard runs under test: exporting telemetry to it would cost every service failed connections.
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            project.Annotations.Add(new EnvironmentCallbackAnnotation(environment => environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = ""));
        }

        var app = await builder.BuildAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        await app.StartAsync(timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
        return new LaminaSystem(root, manifest ?? Path.Combine(root, "data", "models.yaml"), store, port, app);
    }

    /// <summary>The live manifest the Registry reads and writes.</summary>
    public string ManifestPath { get; }

    private static byte[] UnknownArchitecture(byte[] gguf)
    {
        // general.architecture, type 8 (string), length 5, "llama": same length, other name.
        byte[] value = [.. "general.architecture"u8, 8, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, .. "llama"u8];
        var at = gguf.AsSpan().IndexOf(value);
        "lamaz"u8.CopyTo(gguf.AsSpan(at + value.Length - 5));
        return gguf;
    }

    /// <summary>The process id of one of this system's services (<c>downloader</c>, <c>runner</c>...), or null when it is not running.</summary>
    public int? ProcessOf(string service) => ProcessTable.Mentioning(Root)
        .Where(line => line.Contains($"Lamina.{char.ToUpperInvariant(service[0])}{service[1..]}", StringComparison.Ordinal))
        // The service itself, not the `dotnet run` that Aspire started it with (whose death the service outlives by a moment).
        .OrderBy(line => line.Contains(" run --project ", StringComparison.Ordinal))
        .Select(line => int.Parse(line[..line.IndexOf(':', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture))
        .Cast<int?>()
        .FirstOrDefault();

    /// <summary>
    /// Runs a resource's command (<c>resource-start</c>, <c>resource-restart</c>) and waits until a run begun after it
    /// is healthy. Right after the command the resource may still show its old run's end, which a plain
    /// wait for health would take for a failed start.
    /// </summary>
    public async Task StartAgainAsync(string resource, string command)
    {
        var before = App.ResourceNotifications.TryGetCurrentState(resource, out var current) ? current.Snapshot.StartTimeStamp : null;
        var result = await App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, command);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{command} of {resource} failed: {result.Message}");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        CustomResourceSnapshot? last = null;
        try
        {
            await App.ResourceNotifications.WaitForResourceAsync(resource, change =>
            {
                last = change.Snapshot;
                return change.Snapshot.State?.Text == KnownResourceStates.Running && change.Snapshot.StartTimeStamp is { } started && started != before;
            }, timeout.Token);
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"{resource} was not running and healthy 60 s after {command}: last seen {last?.State?.Text ?? "no state"}, started {last?.StartTimeStamp}, exit code {last?.ExitCode}");
        }
    }

    /// <summary>Processes whose command line or environment mention this system's folder.</summary>
    public IReadOnlyList<string> ProcessesLeft() => ProcessTable.Mentioning(Root);

    public async ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    /// <summary>Removes the temporary folder once nothing uses it any more.</summary>
    public void DeleteFiles()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A store still flushing its files is no reason to fail a test; the OS cleans /tmp.
        }
    }
}
