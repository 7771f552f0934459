using System.Globalization;

namespace Lamina.Bench.Figures;

/// <summary>
/// The gateway-overhead targets, each printed with its ratio and whether it holds: c=1 added p50 at most bare YARP's
/// + 0.1 ms, CPU per request at most 1.5x bare YARP's, the tiny model end to end at least 0.95x direct, and 1,000
/// streams without error. A side that measured nothing makes its target miss, never hold. nginx and LiteLLM's
/// published overhead are printed as references, with no target.
/// </summary>
internal static class OverheadTargets
{
    private const double AddedP50Margin = 0.1;
    private const double CpuShare = 1.5;
    private const double EndToEndShare = 0.95;
    // LiteLLM's own benchmark page: 2 ms median overhead at best.
    private const double LiteLlmP50 = 2.0;

    public static string Summary(GatewayOverhead.Measured published, GatewayOverhead.Measured traced, double sampleRatio)
    {
        var latency = published.Cases.Where(c => c.Clients == 1).Select(Latency).ToList();
        var cpu = CpuRatio(published.Cases, c => c.Yarp);
        var endToEnd = published.EndToEnd is { Direct.Answers: > 0, Gateway.Answers: > 0 } measured ? measured.Ratio : double.NaN;
        var streamErrors = GatewayOverhead.Streams - (published.StreamsOk ?? 0);
        string[] targets =
        [
            $"c=1 p50 {string.Join(", ", latency.Select(l => l.Text))} {Verdict(latency.Count > 0 && latency.All(l => l.Holds))}",
            $"CPU/request {Times(cpu)} bare YARP's (median of {published.Cases.Count} cases, <= {CpuShare:0.0}x) {Verdict(cpu <= CpuShare)}",
            $"end to end {Times(endToEnd)} direct (>= {EndToEndShare:0.00}x) {Verdict(endToEnd >= EndToEndShare)}",
            $"{GatewayOverhead.Streams} streams {streamErrors} errors {Verdict(published.StreamsOk == GatewayOverhead.Streams)}",
        ];
        var tracedLatency = traced.Cases.Where(c => c.Clients == 1).Select(Latency).ToList();
        var slowest = latency.Where(l => !double.IsNaN(l.Added)).Select(l => l.Added).DefaultIfEmpty(double.NaN).Max();
        var references = new List<string>
        {
            $"tracing {sampleRatio.ToString(CultureInfo.InvariantCulture)} of requests, as published; every request traced (as under dotnet run): "
                + $"c=1 p50 {string.Join(", ", tracedLatency.Select(l => $"{Ms(l.Added)} ms {l.Kind}"))}, CPU/request {Times(CpuRatio(traced.Cases, c => c.Yarp))} bare YARP's",
            published.Cases.All(c => c.Nginx is not null)
                ? $"nginx (reference): c=1 p50 {string.Join(", ", published.Cases.Where(c => c.Clients == 1).Select(c => $"{Ms(c.Nginx!.P50 - c.Direct.P50)} ms {Kind(c)}"))}, gateway CPU/request {Times(CpuRatio(published.Cases, c => c.Nginx!))} nginx's"
                : "nginx not installed, so no reference proxy (apt-get install nginx-light)",
            $"LiteLLM's published best p50 overhead, {LiteLlmP50:0} ms, is {Times(LiteLlmP50 / slowest)} Lamina's slowest c=1 p50 ({Ms(slowest)} ms)",
        };
        return $"gateway-overhead: {string.Join("; ", targets)}; {string.Join("; ", references)}";
    }

    private static (string Text, bool Holds, double Added, string Kind) Latency(ProxyCase c)
    {
        var kind = Kind(c);
        if (c.Direct.Answers == 0 || c.Gateway.Answers == 0 || c.Yarp.Answers == 0)
        {
            return ($"not measured {kind} (answers: direct {c.Direct.Answers}, gateway {c.Gateway.Answers}, bare YARP {c.Yarp.Answers})", false, double.NaN, kind);
        }

        var added = c.Gateway.P50 - c.Direct.P50;
        var bare = c.Yarp.P50 - c.Direct.P50;
        return ($"{Ms(added)} ms {kind} (bare YARP {Ms(bare)}, target <= {Ms(bare + AddedP50Margin)})", added <= bare + AddedP50Margin, added, kind);
    }

    /// <summary>The median over the cases of the gateway's CPU per request over the baseline's; NaN when any case lacks either.</summary>
    private static double CpuRatio(List<ProxyCase> cases, Func<ProxyCase, Tally> baseline)
    {
        var ratios = cases.Select(c => c.Gateway.CpuMicrosecondsEach / baseline(c).CpuMicrosecondsEach).Order().ToList();
        return ratios.Count == 0 || ratios.Any(r => !double.IsFinite(r) || r <= 0) ? double.NaN : ratios[ratios.Count / 2];
    }

    private static string Kind(ProxyCase c) => c.Stream ? "streaming" : "non-streaming";

    // A comparison with NaN is false: an unmeasured side misses.
    private static string Verdict(bool holds) => holds ? "holds" : "misses";

    private static string Times(double ratio) => double.IsFinite(ratio) ? ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "not measured";

    private static string Ms(double ms) => ms.ToString("+0.00;-0.00", CultureInfo.InvariantCulture);
}
