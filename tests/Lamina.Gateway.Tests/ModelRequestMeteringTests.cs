using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Lamina.Gateway.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Gateway.Tests;

public sealed class ModelRequestMeteringTests
{
    [Fact]
    public async Task AStreamedChatIsMeasuredByModelBackendAndStatus()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metering = new ModelRequestMetering(async context =>
        {
            ModelRequestMetering.Served(context, "tiny", "embedded");
            await context.Response.WriteAsync("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n");
            await Task.Delay(20);
            await context.Response.WriteAsync("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3}}\n\ndata: [DONE]\n\n");
        }, new GatewayMetrics(services.GetRequiredService<IMeterFactory>()));
        var measured = Listen(services.GetRequiredService<IMeterFactory>());
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        context.Request.Method = "POST";
        context.Request.Path = "/v1/chat/completions";

        await metering.InvokeAsync(context);

        Assert.StartsWith("data: {", Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
        Assert.Equal(1, Single(measured, "lamina.gateway.requests").Value);
        var requests = Single(measured, "lamina.gateway.requests");
        Assert.Equal(("tiny", "embedded", "openai", 200), (requests.Tags["lamina.model"], requests.Tags["lamina.backend"], requests.Tags["lamina.api"], requests.Tags["http.response.status_code"]));
        Assert.Equal(5, Single(measured, "lamina.gateway.tokens.input").Value);
        Assert.Equal(3, Single(measured, "lamina.gateway.tokens.output").Value);
        // The first token went out before the 20 ms pause, the end after it.
        var duration = Single(measured, "lamina.gateway.request.duration").Value;
        Assert.True(duration >= 0.02, $"{duration}");
        Assert.InRange(Single(measured, "lamina.gateway.time_to_first_token").Value, 0, duration - 0.019);
        Assert.True(Single(measured, "lamina.gateway.tokens_per_second").Value > 0);
    }

    [Fact]
    public async Task OtherRoutesAreNotMeasured()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metering = new ModelRequestMetering(_ => Task.CompletedTask, new GatewayMetrics(services.GetRequiredService<IMeterFactory>()));
        var measured = Listen(services.GetRequiredService<IMeterFactory>());
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/models";

        await metering.InvokeAsync(context);

        Assert.Empty(measured);
    }

    private static Measurement Single(ConcurrentQueue<Measurement> measured, string instrument) => Assert.Single(measured, m => m.Instrument == instrument);

    private static ConcurrentQueue<Measurement> Listen(IMeterFactory meters)
    {
        var measured = new ConcurrentQueue<Measurement>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == GatewayMetrics.Name && instrument.Meter.Scope == meters)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            measured.Enqueue(new Measurement(instrument.Name, value, tags.ToArray().ToDictionary(tag => tag.Key, tag => tag.Value)));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        return measured;
    }

    private sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);
}
