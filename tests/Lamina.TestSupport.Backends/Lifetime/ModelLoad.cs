using Lamina.TestSupport.Backends.CommandLine;
using Lamina.TestSupport.Backends.Recording;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Lamina.TestSupport.Backends.Lifetime;

/// <summary>
/// Plays the model load with each backend's readiness contract: vLLM and MLC load before the server
/// binds (StartingAsync runs before Kestrel starts), llama-server binds first and loads behind a 503.
/// Then, when asked to, it "crashes" a while after becoming ready.
/// </summary>
internal sealed class ModelLoad(
    BackendOptions options,
    FakeKnobs knobs,
    BackendState state,
    Recorder recorder,
    IServer server,
    IHostApplicationLifetime lifetime) : IHostedLifecycleService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (options.Personality.BindsBeforeLoad())
            return;
        BackendLog.Starting(options);
        await Task.Delay(knobs.LoadDelay, cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _running = RunAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => _stopping.CancelAsync();

    public async Task StopAsync(CancellationToken cancellationToken) => await _running.WaitAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        _stopping.Dispose();
        return Task.CompletedTask;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            if (options.Personality.BindsBeforeLoad())
            {
                // llama-server reports its socket, then loads.
                BackendLog.Starting(options);
                await Task.Delay(knobs.LoadDelay, stopping);
            }

            state.MarkReady();
            BackendLog.Ready(options, Address());
            recorder.Event("ready");

            if (knobs.ExitAfter is { } exitAfter)
            {
                await Task.Delay(exitAfter, stopping);
                state.MarkCrashed();
                lifetime.StopApplication();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped before loading finished or before the planned crash.
        }
    }

    private string Address() =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.TrimEnd('/')
            ?? $"http://{options.Host}:{options.Port}";
}
