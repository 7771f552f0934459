using Microsoft.Extensions.Hosting;

namespace Lamina.TestSupport.Peers;

/// <summary>
/// No console lifetime: a peer inside a test run must not take over Ctrl+C and SIGTERM, which it would swallow
/// since nothing waits for its shutdown; the test disposes it instead.
/// </summary>
internal sealed class PeerLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
