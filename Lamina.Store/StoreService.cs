using Garnet.common;
using Garnet.server;
using Microsoft.Extensions.Options;

namespace Lamina.Store;

/// <summary>Runs Garnet for the lifetime of the host and checkpoints it on the way down.</summary>
internal sealed partial class StoreService(
    IOptions<StoreOptions> options, ILoggerFactory loggerFactory, ILogger<StoreService> logger) : IHostedService
{
    private EmbeddedGarnet? _server;
    private bool _persistent;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var store = options.Value;
        _persistent = !string.IsNullOrWhiteSpace(store.Dir);
        var dataDir = _persistent ? Directory.CreateDirectory(store.Dir!).FullName : ScratchDirectory.Create();

        _server = new EmbeddedGarnet(GarnetArguments.For(store, dataDir, _persistent), loggerFactory, cleanupDir: !_persistent);
        try
        {
            _server.Start();
        }
        catch (GarnetException)
        {
            // Disposing removes the scratch directory; the host reports the failure.
            _server.Dispose();
            _server = null;
            throw;
        }
        LogReady(store.Bind, store.Port, _persistent ? $"data in {dataDir}" : "memory only, nothing kept after exit");
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is null)
        {
            return;
        }
        if (_persistent)
        {
            var status = await _server.CheckpointAsync(cancellationToken);
            LogCheckpoint(status);
        }
        _server.Dispose();
        _server = null;
        LogStopped();
    }

    [LoggerMessage(1, LogLevel.Information, "Lamina.Store ready on {Bind}:{Port} ({Persistence})")]
    private partial void LogReady(string bind, int port, string persistence);

    [LoggerMessage(2, LogLevel.Information, "Shutdown checkpoint: {Status}")]
    private partial void LogCheckpoint(CheckpointStatus status);

    [LoggerMessage(3, LogLevel.Information, "Lamina.Store stopped")]
    private partial void LogStopped();
}
