using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lamina.AppHost.Store;

/// <summary>Healthy once the store answers PING: the services wait for this before they start.</summary>
public sealed class StorePingCheck(StoreResource store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var address = await store.ConnectionStringExpression.GetValueAsync(cancellationToken);
        var (host, port) = address?.Split(':') is [var h, var p] ? (h, int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)) : ("localhost", 0);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var reply = new byte[64];
            var read = await stream.ReadAsync(reply, cancellationToken);
            var answer = Encoding.ASCII.GetString(reply, 0, read);
            return answer.StartsWith("+PONG", StringComparison.Ordinal)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{address} answered PING with '{answer.Trim()}'");
        }
        catch (SocketException e)
        {
            return HealthCheckResult.Unhealthy($"{address} does not answer yet: {e.Message}");
        }
    }
}
