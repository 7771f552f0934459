using Garnet;
using Garnet.server;

namespace Lamina.Store;

/// <summary>A <see cref="GarnetServer"/> that can checkpoint on demand, which its public API does not offer.</summary>
internal sealed class EmbeddedGarnet(string[] args, ILoggerFactory loggerFactory, bool cleanupDir)
    : GarnetServer(args, loggerFactory, cleanupDir)
{
    public Task<CheckpointStatus> CheckpointAsync(CancellationToken cancellationToken) =>
        storeWrapper.TakeCheckpointAsync(background: false, dbId: -1, cancellationToken);
}
