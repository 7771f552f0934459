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

    public static async Task<Ok<GpuList>> ListGpus(GpuInventory inventory, CancellationToken cancellationToken)
    {
        var reading = await inventory.ReadAsync(cancellationToken);
        return TypedResults.Ok(new GpuList(reading.Gpus, reading.Gpus.Count, reading.Gpus.Sum(gpu => gpu.MemoryFreeBytes ?? 0), reading.Problem));
    }

    /// <summary>The GPUs, their free memory together, and why there are none when <c>nvidia-smi</c> could not tell.</summary>
    public sealed record GpuList(IReadOnlyList<GpuInfo> Gpus, int Count, long MemoryFreeBytes, string? Reason);
}
