using System.Diagnostics;
using Lamina.Gateway.Routing;
using Lamina.Shared.Clients;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lamina.Gateway.Tests;

public sealed class ModelAliasesTests
{
    [Fact]
    public async Task AGatewayThatStartsWhileTheRegistryFailsReadsTheAliasesOnceItAnswers()
    {
        var answering = false;
        // A Registry that answers 503 until told otherwise (the gateway's client sees the same error as for one that is away).
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var registry = builder.Build();
        registry.Run(context =>
        {
            if (!Volatile.Read(ref answering))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            }

            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""{"models":{"tiny":{"aliases":["tiny:latest"]}}}""");
        });
        await registry.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(registry.Urls.Single()) };
        var time = new FakeTimeProvider();
        var aliases = new ModelAliases(new RegistryClient(http), time, NullLogger<ModelAliases>.Instance);

        // The start is not held up by the Registry, and names pass as given meanwhile.
        await aliases.StartAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("tiny:latest", aliases.Resolve("tiny:latest"));

        Volatile.Write(ref answering, true);
        var clock = Stopwatch.StartNew();
        while (aliases.Resolve("tiny:latest") != "tiny" && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            time.Advance(ModelAliases.RetryInterval);
            await Task.Delay(20);
        }

        Assert.Equal("tiny", aliases.Resolve("tiny:latest"));
        await aliases.StopAsync(CancellationToken.None);
    }
}
