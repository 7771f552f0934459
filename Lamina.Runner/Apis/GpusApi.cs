using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Runner.Gpus;
using Lamina.Shared.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lamina.Runner.Apis;

public static class GpusApi
{
    /// <summary>Maps <c>GET /gpus</c>: the machine's GPUs and their free memory.</summary>
    public static IEndpointRouteBuilder MapGpusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/gpus", ListGpus).WithTags("GPUs").WithName("ListGpus")
            .WithSummary("The NVIDIA GPUs of the Runner's machine (from nvidia-smi): memory total, used and free, utilization.");
        return app;
    }

    public static async Task<Ok<JsonObject>> ListGpus(GpuInventory inventory, CancellationToken cancellationToken)
    {
        var reading = await inventory.ReadAsync(cancellationToken);
        var answer = new JsonObject
        {
            ["gpus"] = JsonSerializer.SerializeToNode(reading.Gpus, LaminaJson.Options),
            ["count"] = reading.Gpus.Count,
            ["memory_free_bytes"] = reading.Gpus.Sum(gpu => gpu.MemoryFreeBytes ?? 0),
        };
        if (reading.Problem is not null)
        {
            answer["reason"] = reading.Problem;
        }

        return TypedResults.Ok(answer);
    }
}
