namespace Lamina.Gateway;

/// <summary>How the runtime runs the gateway: a proxy whose every request is two sockets' worth of small reads and writes.</summary>
public static class GatewayRuntime
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Runs socket continuations on the thread that saw the socket ready instead of queueing them to the
    /// thread pool, unless the environment says otherwise. A proxied request crosses four socket waits;
    /// on two cores each hop through the pool cost more than the forwarding itself (c=1: 2,500 to 3,500
    /// requests a second). The gateway's continuations do not block, which this needs. The runtime reads
    /// the variable when the first socket starts, so it must be set before the host is built.
    /// </summary>
    public static void PreferInlineSocketCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }
    }
}
