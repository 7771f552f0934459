using System.Diagnostics;
using LLama;
using LLama.Common;
using Lamina.Engine.Slots;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Lamina.Engine.Loading;

/// <summary>
/// Loads the model once the server accepts requests, so /health says 503 "Loading model" instead of
/// refusing connections; a model that cannot load ends the process with a non-zero code.
/// </summary>
internal sealed class ModelLoader(
    EngineOptions options,
    ModelHost host,
    SlotPool slots,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ModelLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var native = Task.Run(() => NativeRuntime.Load(logger), stoppingToken);
            await WhenStartedAsync(stoppingToken);
            logger.Listening(ListeningUrl(), options.ModelPath);
            if (options.LoadDelay > TimeSpan.Zero)
                await Task.Delay(options.LoadDelay, time, stoppingToken);

            await native;
            var started = Stopwatch.GetTimestamp();
            var model = await LoadAsync(stoppingToken);
            host.SetLoaded(model);
            logger.ModelLoaded(model.Id, Stopwatch.GetElapsedTime(started).TotalMilliseconds, model.ContextSize, slots.Count, model.TemplateSource);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Whatever llama.cpp or the file system threw, serving is impossible: say why and exit
            // non-zero so the Runner sees a failed start, not a server stuck at 503.
            logger.ModelLoadFailed(options.ModelPath, e.Message, e);
            host.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    private async Task<LoadedModel> LoadAsync(CancellationToken cancellationToken)
    {
        var parameters = new ModelParams(options.ModelPath)
        {
            ContextSize = options.ContextSize,
            Threads = options.Threads,
            BatchThreads = options.Threads,
            GpuLayerCount = 0,
        };
        if (options.GpuLayers != 0)
            logger.GpuLayersIgnored(options.GpuLayers);

        var weights = await LLamaWeights.LoadFromFileAsync(parameters, cancellationToken);
        for (var i = 0; i < options.Parallel; i++)
            slots.Add(new Slot(i, weights.CreateContext(parameters, logger)));

        // llama.cpp may round the requested size; what the contexts got is what requests can use.
        return new LoadedModel(weights, options.ModelId, time.GetUtcNow(), slots.ContextSize);
    }

    private Task WhenStartedAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(started.SetResult);
        return started.Task.WaitAsync(cancellationToken);
    }

    private string ListeningUrl() =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? $"http://{options.Host}:{options.Port}";
}
