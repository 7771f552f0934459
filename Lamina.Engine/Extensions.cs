using System.Net;
using Lamina.Engine.Apis;
using Lamina.Engine.Apis.Contracts;
using Lamina.Engine.Embeddings;
using Lamina.Engine.Generation;
using Lamina.Engine.Lifetime;
using Lamina.Engine.Loading;
using Lamina.Engine.Slots;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Console;

namespace Lamina.Engine;

public static class Extensions
{
    /// <summary>Adds the engine's services, its Kestrel endpoint and its logging for <paramref name="options"/>.</summary>
    public static WebApplicationBuilder AddEngine(this WebApplicationBuilder builder, EngineOptions options)
    {
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => Listen(kestrel, options));
        builder.Services.AddRoutingCore();
        // A stopping engine should not wait half a minute on a long generation: the Runner's
        // grace period is shorter, and cancelled requests free their slot at once anyway.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));

        // llama-server logs to stderr, one line per event; so does the engine, leaving stdout to --version and --help.
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        builder.Services.ConfigureHttpJsonOptions(json => EngineJsonContext.Configure(json.SerializerOptions));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ModelHost>();
        builder.Services.AddSingleton<SlotPool>();
        builder.Services.AddSingleton<Generator>();
        builder.Services.AddSingleton<Embedder>();
        builder.Services.AddHostedService<ModelLoader>();
        builder.Services.AddHostedService<ParentWatch>();
        return builder;
    }

    /// <summary>Maps /health and the OpenAI routes behind the API key and loading gates.</summary>
    public static WebApplication MapEngine(this WebApplication app, EngineOptions options)
    {
        app.UseApiKey(options.ApiKey);
        app.UseLoadingGate();
        app.MapHealthApi();
        app.MapOpenAiApi();
        return app;
    }

    /// <summary>Runs the engine; returns the process exit code, non-zero when the model failed to load.</summary>
    public static async Task<int> RunEngineAsync(this WebApplication app)
    {
        var host = app.Services.GetRequiredService<ModelHost>();
        await app.RunAsync();
        return host.ExitCode;
    }

    private static void Listen(KestrelServerOptions kestrel, EngineOptions options)
    {
        if (options.Host == "localhost")
            kestrel.ListenLocalhost(options.Port);
        else
            kestrel.Listen(IPAddress.Parse(options.Host), options.Port);
    }
}
