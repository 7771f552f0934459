using System.Text.Json;
using System.Text.Json.Serialization;
using Lamina.Runner.Instances;
using Lamina.Runner.Placement;
using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Runner.Apis;

public static class InstancesApi
{
    /// <summary>Maps the instance routes: list, show, start and stop.</summary>
    public static IEndpointRouteBuilder MapInstancesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/instances").WithTags("Instances");
        api.MapGet("/", List).WithName("ListInstances").WithSummary("Every model server this Runner supervises.");
        api.MapGet("/{model}", Get).WithName("GetInstance").WithSummary("One model's server.");
        api.MapGet("/{model}/logs", Logs).WithName("GetInstanceLogs").WithSummary("The last lines the model's backend printed; ?follow=true streams them and new ones as server-sent events.");
        api.MapPost("/{model}/start", Start).WithName("StartInstance").WithSummary("Starts the model's backend and waits until it is ready.");
        api.MapPost("/{model}/stop", Stop).WithName("StopInstance").WithSummary("Stops the model's backend and its children.");
        return app;
    }

    public static async Task<Ok<InstanceList>> List(InstanceManager manager, UsageRecords usage)
    {
        var instances = await WithUseAsync(manager.List().OrderBy(instance => instance.Model, StringComparer.Ordinal).ToList(), usage);
        return TypedResults.Ok(new InstanceList(instances, instances.Count));
    }

    public static async Task<Results<Ok<InstanceInfo>, ProblemHttpResult>> Get(string model, InstanceManager manager, UsageRecords usage) =>
        manager.Find(model) is { } instance
            ? TypedResults.Ok((await WithUseAsync([instance], usage))[0])
            : TypedResults.Problem($"model '{model}' is not running; start it with POST /models/{model}/start", statusCode: StatusCodes.Status404NotFound, title: "Not running");

    /// <summary>The instances with when a request last used them and how many use them now, as the gateways recorded it.</summary>
    private static async Task<List<InstanceInfo>> WithUseAsync(List<InstanceInfo> instances, UsageRecords usage)
    {
        try
        {
            var used = await usage.ReadAsync([.. instances.Select(instance => instance.Model)]);
            return [.. instances.Select((instance, i) => instance with
            {
                LastUsed = used[i].LastUsed == DateTimeOffset.MinValue ? null : used[i].LastUsed,
                InFlight = used[i].InFlight,
            })];
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            // Without the store the instances are still worth listing.
            return instances;
        }
    }

    /// <summary>The last lines; with <c>?follow=true</c>, server-sent events of them and each new line until the backend ends.</summary>
    public static Results<Ok<InstanceLogs>, ServerSentEventsResult<string>, ProblemHttpResult> Logs(
        string model, InstanceManager manager, CancellationToken cancellationToken, bool follow = false)
    {
        if (manager.LatestProcess(model) is not { } process)
        {
            return TypedResults.Problem($"model '{model}' has not been started since the Runner started", statusCode: StatusCodes.Status404NotFound, title: "No logs");
        }

        return follow
            ? TypedResults.ServerSentEvents(process.FollowOutputAsync(cancellationToken), "log")
            : TypedResults.Ok(new InstanceLogs(model, process.RecentOutput));
    }

    /// <summary>
    /// Starts the model, or finds it running. Optional overrides: <c>{"keep_alive": "10m", "context_length": 8192, "gpu": "1"}</c>
    /// (gpu: auto, cpu, or indices like 0,1); a model running otherwise is started again as asked.
    /// </summary>
    public static async Task<Results<Ok<InstanceInfo>, ProblemHttpResult>> Start(
        string model, InstanceManager manager, HttpRequest request, CancellationToken cancellationToken)
    {
        var start = StartRequest.Default;
        if (request.ContentLength > 0 || request.HasJsonContentType())
        {
            StartBody? body;
            try
            {
                body = await request.ReadFromJsonAsync<StartBody>(cancellationToken);
            }
            catch (JsonException e)
            {
                return TypedResults.Problem($"the body is not the JSON this route takes ({e.Message}); send {{\"keep_alive\": \"10m\", \"context_length\": 8192, \"gpu\": \"0\"}}, any of them, or nothing",
                    statusCode: StatusCodes.Status400BadRequest, title: "Invalid body");
            }

            var (parsed, problem) = body?.ToRequest() ?? (start, null);
            if (parsed is null)
            {
                return TypedResults.Problem(problem, statusCode: StatusCodes.Status400BadRequest, title: "Invalid start");
            }

            start = parsed;
        }

        var outcome = await manager.StartAsync(model, start, cancellationToken);
        return outcome.Instance is { } instance
            ? TypedResults.Ok(instance)
            : TypedResults.Problem(outcome.Problem, statusCode: outcome.Status, title: "Model not started");
    }

    public static async Task<Ok<StopResult>> Stop(string model, InstanceManager manager)
    {
        var stopped = await manager.StopAsync(model);
        return TypedResults.Ok(new StopResult(model, stopped is not null, false));
    }

    /// <summary>Overrides for one start; each is optional.</summary>
    public sealed record StartBody(
        [property: JsonConverter(typeof(TextOrNumberConverter))] string? KeepAlive,
        int? ContextLength,
        [property: JsonConverter(typeof(TextOrNumberConverter))] string? Gpu)
    {
        public (StartRequest? Request, string? Problem) ToRequest()
        {
            TimeSpan? keepAlive = null;
            if (KeepAlive is { } given)
            {
                if (!KeepAliveDuration.TryParse(given, out var duration))
                {
                    return (null, $"keep_alive '{given}' is not a duration; write 30s, 5m, 1h, seconds, 0 to stop when idle at once, or -1 to keep it loaded");
                }

                keepAlive = duration;
            }

            if (ContextLength is < 1)
            {
                return (null, $"context_length is {ContextLength}; give the tokens of context to run the model with, at least 1");
            }

            var (gpu, problem) = Gpu is null ? (null, null) : GpuChoice.Parse(Gpu);
            return Gpu is not null && gpu is null ? (null, problem) : (new StartRequest(ContextLength, gpu, keepAlive), null);
        }
    }

    public sealed record InstanceList(IReadOnlyList<InstanceInfo> Instances, int Total);

    public sealed record InstanceLogs(string Model, IReadOnlyList<string> Lines);

    public sealed record StopResult(string Model, bool Stopped, bool Active);
}
