namespace Lamina.Gateway.Security;

/// <summary>Says at start who can reach the gateway: the addresses it listens on, and whether a key is needed there.</summary>
public static class Reach
{
    /// <summary>From the addresses the gateway really listens on, not from what its launcher meant it to.</summary>
    public static void Say(WebApplication app, GatewayOptions options)
    {
        var addresses = app.Urls.ToList();
        app.Logger.LogInformation("Gateway runs at {Priority}", CpuPriority.Outcome);
        if (options.ApiKeyList.Count > 0)
        {
            app.Logger.LogInformation("API keys required at {Addresses}: {Keys} key(s), {Admin} admin key(s)", addresses, options.ApiKeyList.Count, options.AdminKeyList.Count);
        }
        else if (addresses.All(IsLoopback))
        {
            app.Logger.LogWarning("No API keys (Lamina:Gateway:ApiKeys): listening on {Addresses}, this machine only; set keys to open the gateway to the network", addresses);
        }
        else
        {
            app.Logger.LogWarning("No API keys (Lamina:Gateway:ApiKeys) and listening on {Addresses}: anyone who reaches them can run, stop, download and delete models. Set keys, or listen on localhost only", addresses);
        }
    }

    private static bool IsLoopback(string address) =>
        Uri.TryCreate(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
        && (uri.IsLoopback || uri.Host == "localhost");
}
