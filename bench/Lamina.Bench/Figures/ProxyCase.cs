using System.Globalization;

namespace Lamina.Bench.Figures;

/// <summary>One load case of the gateway-overhead figure: the upstream asked directly, through the gateway, through bare YARP, and through nginx (a reference, with no target) when installed.</summary>
internal sealed record ProxyCase(int Clients, bool Stream, Tally Direct, Tally Gateway, Tally Yarp, Tally? Nginx)
{
    public double NginxRatio => Nginx is null ? double.NaN : Gateway.PerSecond / Nginx.PerSecond;

    /// <summary>The gateway's throughput over bare YARP's: how much of the floor the gateway's own work keeps.</summary>
    public double YarpRatio => Gateway.PerSecond / Yarp.PerSecond;

    public string Line()
    {
        var head = $"gateway-overhead c={Clients} {(Stream ? "streaming" : "non-streaming")}: "
            + $"gateway {Added(Gateway.P50 - Direct.P50)} ms p50 / {Added(Gateway.P99 - Direct.P99)} ms p99, {Gateway.PerSecond:0} req/s{Cpu(Gateway)}; ";
        var errors = GatewayOverhead.Errors(("direct", Direct), ("gateway", Gateway), ("bare YARP", Yarp), ("nginx", Nginx ?? new Tally()));
        var yarp = $"bare YARP {Added(Yarp.P50 - Direct.P50)} / {Added(Yarp.P99 - Direct.P99)} ms, {Yarp.PerSecond:0} req/s{Cpu(Yarp)} (gateway {YarpRatio:0.00}x of it); ";
        var direct = $"{yarp}direct {Ms(Direct.P50)} / {Ms(Direct.P99)} ms, {Direct.PerSecond:0} req/s{errors}";
        return Nginx is null
            ? $"{head}nginx not installed (apt-get install nginx-light for its column); {direct}; {Gateway.PerSecond / Direct.PerSecond:0.00}x direct throughput"
            : $"{head}nginx {Added(Nginx.P50 - Direct.P50)} / {Added(Nginx.P99 - Direct.P99)} ms, {Nginx.PerSecond:0} req/s{Cpu(Nginx)}; {direct}; {NginxRatio:0.00}x nginx throughput";
    }

    private static string Cpu(Tally side) => double.IsNaN(side.CpuMicrosecondsEach) ? "" : $", {side.CpuMicrosecondsEach:0} µs CPU each";

    private static string Added(double ms) => ms.ToString("+0.00;-0.00", CultureInfo.InvariantCulture);

    private static string Ms(double ms) => ms.ToString("0.00", CultureInfo.InvariantCulture);
}
