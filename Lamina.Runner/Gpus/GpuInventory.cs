using System.Diagnostics;
using Lamina.Shared.Contracts;
using Lamina.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Lamina.Runner.Gpus;

/// <summary>
/// The machine's NVIDIA GPUs, asked of <c>nvidia-smi</c> at most once a second (a placement
/// decision and <c>GET /gpus</c> both want fresh free memory, not a query per request).
/// </summary>
public sealed partial class GpuInventory(IOptions<RunnerOptions> options, TimeProvider time, ILogger<GpuInventory> logger)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, GpuReading Reading)? _last;

    public Task<GpuReading> ReadAsync(CancellationToken cancellationToken) => ReadAsync(fresh: false, cancellationToken);

    /// <summary>The GPUs; <paramref name="fresh"/> asks nvidia-smi again even within the second (after a model stopped).</summary>
    public async Task<GpuReading> ReadAsync(bool fresh, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!fresh && _last is { } last && time.GetUtcNow() - last.At < Fresh)
            {
                return last.Reading;
            }

            var reading = await QueryAsync(cancellationToken);
            _last = (time.GetUtcNow(), reading);
            return reading;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<GpuReading> QueryAsync(CancellationToken cancellationToken)
    {
        var program = options.Value.NvidiaSmi is { Length: > 0 } configured ? configured : LocalMachine.FindOnPath("nvidia-smi");
        if (program is null || !File.Exists(program))
        {
            return new GpuReading([], $"no GPU inventory: {(program ?? "nvidia-smi")} is not installed (set Lamina:Runner:NvidiaSmi to its path); models run on the CPU");
        }

        using var process = Process.Start(new ProcessStartInfo(program, NvidiaSmi.Arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(QueryTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return new GpuReading([], $"{program} did not answer within {QueryTimeout.TotalSeconds:0} s");
        }

        if (process.ExitCode != 0)
        {
            var reason = (await errors).Trim() is { Length: > 0 } text ? text : (await output).Trim();
            LogFailed(logger, program, process.ExitCode, reason);
            return new GpuReading([], $"{program} failed ({process.ExitCode}): {reason}");
        }

        return new GpuReading(NvidiaSmi.Parse(await output), null);
    }

    [LoggerMessage(LogLevel.Warning, "{Program} failed with exit code {Code}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string program, int code, string reason);
}

/// <summary>The GPUs found, or why none could be read.</summary>
public sealed record GpuReading(IReadOnlyList<GpuInfo> Gpus, string? Problem);
