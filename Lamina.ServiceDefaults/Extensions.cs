using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>Telemetry, health, service discovery and resilience shared by every Lamina service.</summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";

    /// <summary>The share of requests traced where no caller decided (0 to 1); the AppHost sets 1 under <c>dotnet run</c>.</summary>
    public const string SampleRatioKey = "Lamina:Telemetry:SampleRatio";

    private const double DefaultSampleRatio = 0.1;
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>Adds OpenTelemetry, health checks, service discovery and resilient HTTP clients.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.AddOpenApi();
        builder.Services.AddHostedService<OrphanWatch>();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>
    /// Takes the standard resilience handler off one client, for calls that must not be retried
    /// or cut short: streams of tokens and logs, model starts, and probes that poll on their own schedule.
    /// </summary>
    public static IHttpClientBuilder WithoutResilience(this IHttpClientBuilder builder)
    {
#pragma warning disable EXTEXP0001 // Experimental, but the supported way to opt one client out of ConfigureHttpClientDefaults.
        return builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }

    /// <summary>Logs, metrics and traces, exported over OTLP when the AppHost provides an endpoint.</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Lamina.*"))
            .WithTracing(tracing => tracing
                // A caller's decision stands; other requests are traced at the configured ratio: every span costs the gateway
                // CPU per request, whether or not anything exports it.
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(SampleRatio(builder.Configuration))))
                .AddSource(builder.Environment.ApplicationName)
                .AddSource("Lamina.*")
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                // Readiness polls of model servers are many and say nothing; leave them out of traces.
                .AddHttpClientInstrumentation(options =>
                    options.FilterHttpRequestMessage = request => request.RequestUri?.AbsolutePath != HealthEndpointPath));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    private static double SampleRatio(IConfiguration configuration)
    {
        var text = configuration[SampleRatioKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultSampleRatio;
        }

        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1
            ? ratio
            : throw new InvalidOperationException($"{SampleRatioKey} is '{text}'; give a share of requests to trace from 0 to 1, such as 0.1 (the default) or 1 to trace every request.");
    }

    /// <summary>Adds the liveness check every service reports under <c>/alive</c>.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>Maps <c>/health</c> (every check), <c>/alive</c> (liveness only) and the service's OpenAPI document at <c>/openapi/v1.json</c>.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("live"),
        });
        return app;
    }
}
