using System.Net;
using System.Runtime.InteropServices;
using Lamina.TestSupport.Backends.Apis;
using Lamina.TestSupport.Backends.CommandLine;
using Lamina.TestSupport.Backends.Generation;
using Lamina.TestSupport.Backends.Lifetime;
using Lamina.TestSupport.Backends.Recording;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Console;

namespace Lamina.TestSupport.Backends;

internal static class Extensions
{
    /// <summary>Adds Kestrel on the backend's address, quiet logging, a short shutdown and the model load.</summary>
    public static WebApplicationBuilder AddFakeBackend(this WebApplicationBuilder builder, BackendOptions options, Recorder recorder)
    {
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => Listen(kestrel, options));
        builder.Services.AddRoutingCore();
        // SIGTERM must end the process at once; streams stop on ApplicationStopping rather than hold it up.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromMilliseconds(100));
        builder.Services.Configure<ConsoleLifetimeOptions>(console => console.SuppressStatusMessages = true);

        // stdout belongs to the lines the real program prints; the host's own warnings go to stderr.
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        // SIGTERM while vLLM or MLC still "loads" cancels the host's start, which it would log as a failure;
        // RunFakeBackendAsync reports the failures that matter (a port in use) itself.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);

        builder.Services.ConfigureHttpJsonOptions(json => BackendJson.Configure(json.SerializerOptions));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(recorder);
        builder.Services.AddSingleton(FakeKnobs.FromEnvironment());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<BackendState>();
        builder.Services.AddSingleton<FakeGenerator>();
        builder.Services.AddHostedService<ModelLoad>();
        return builder;
    }

    /// <summary>Maps the routes the personality has, behind its loading and API key gates.</summary>
    public static WebApplication MapFakeBackend(this WebApplication app, BackendOptions options)
    {
        app.UseBackendGates(options);
        if (options.Personality.HasHealth())
            app.MapHealthApi();
        app.MapModelsApi();
        app.MapCompletionsApi();
        if (options.Personality != Personality.MlcLlm)
            app.MapEmbeddingsApi();
        return app;
    }

    /// <summary>Serves until SIGTERM or the planned crash; the process exit code.</summary>
    public static async Task<int> RunFakeBackendAsync(this WebApplication app)
    {
        var recorder = app.Services.GetRequiredService<Recorder>();
        var state = app.Services.GetRequiredService<BackendState>();
        // The console lifetime turns SIGTERM into a graceful stop; this registration only notes that it came.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => recorder.Event("sigterm"));
        try
        {
            await app.RunAsync();
        }
        catch (OperationCanceledException)
        {
            // SIGTERM while vLLM or MLC was still loading, before the server started.
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            await Console.Error.WriteLineAsync($"error: couldn't bind HTTP server socket: {e.Message}");
            return 1;
        }

        return state.ExitCode;
    }

    private static void Listen(KestrelServerOptions kestrel, BackendOptions options)
    {
        Action<ListenOptions> http1 = listen => listen.Protocols = HttpProtocols.Http1;
        if (options.Host is null or "0.0.0.0")
            kestrel.ListenAnyIP(options.Port, http1);
        else if (options.Host == "localhost")
            kestrel.ListenLocalhost(options.Port, http1);
        else
            kestrel.Listen(IPAddress.Parse(options.Host), options.Port, http1);
    }
}
