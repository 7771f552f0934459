using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;
using Lamina.TestSupport.Aspire;
using Lamina.TestSupport.Peers;
using StackExchange.Redis;

namespace Lamina.Bench.Figures;

/// <summary>
/// What the gateway adds to a chat request. (1) Against a canned upstream, non-streaming and streaming at 1, 16
/// and 128 clients: its added p50 and p99 and its throughput beside nginx proxying the same upstream, and beside
/// YARP's bare forwarder (the floor of a gateway built on it), all measured against asking the upstream directly.
/// (2) The tiny model end to end, through the gateway against its engine asked directly. (3) 1,000 streams open at
/// once through the gateway. The upstream is a ready instance record written into the system's store, so the
/// gateway routes to it as to any Runner's backend.
/// Sides take turns in each case, so all meet the same background load.
/// </summary>
public sealed class GatewayOverhead : IFigure
{
    private const string Canned = "canned";
    private const string SlowCanned = "canned-slow";
    internal const int Streams = 1000;
    private const int EndToEndClients = 4;
    private static readonly int[] Clients = [1, 16, 128];
    private static readonly TimeSpan WarmUp = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Round = TimeSpan.FromMilliseconds(600);
    private static readonly TimeSpan EndToEndRound = TimeSpan.FromSeconds(1.5);
    private const int Rounds = 2;
    // The machine's own drift moved one side's rate by 10% between 5-second samples: short turns, taken often.
    private const int EndToEndRounds = 8;

    public string Name => "gateway-overhead";

    public async Task<string> RunAsync()
    {
        await using var upstream = await CannedChatServer.StartAsync();
        // Long enough between events that all 1,000 streams are open at once.
        await using var slow = await CannedChatServer.StartAsync(TimeSpan.FromMilliseconds(400));
        await using var nginx = await NginxProxy.StartAsync(upstream.BaseAddress);
        await using var yarp = await BareYarp.StartAsync(upstream.BaseAddress);
        // As a published gateway runs, tracing a sample of requests: the targets are judged on it.
        var published = await WithSystemAsync(PublishedSampleRatio, upstream, slow,
            system => MeasureAsync(system, upstream, slow, nginx, yarp, whole: true));
        // As under `dotnet run`, every request traced: printed beside it, for what tracing costs.
        var traced = await WithSystemAsync(1, upstream, slow,
            system => MeasureAsync(system, upstream, slow, nginx, yarp, whole: false));
        List<string> lines = [.. published.Lines, .. traced.Lines.Select(line => line.Replace("gateway-overhead ", "gateway-overhead (every request traced) ", StringComparison.Ordinal))];
        lines.Add(OverheadTargets.Summary(published, traced, PublishedSampleRatio));
        return string.Join(Environment.NewLine, lines);
    }

    private const double PublishedSampleRatio = 0.1;

    /// <summary>Starts the system with the gateway tracing <paramref name="sampleRatio"/> of requests, with the canned upstreams recorded as ready instances.</summary>
    private static async Task<Measured> WithSystemAsync(double sampleRatio, CannedChatServer upstream, CannedChatServer slow, Func<LaminaSystem, Task<Measured>> measure)
    {
        var system = await LaminaSystem.StartAsync(LaminaSystem.PreferredStore, [$"--Lamina:Telemetry:SampleRatio={sampleRatio.ToString(CultureInfo.InvariantCulture)}"]);
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync((await system.App.GetConnectionStringAsync("redis"))!);
            await RecordReadyAsync(redis.GetDatabase(), Canned, upstream.BaseAddress);
            await RecordReadyAsync(redis.GetDatabase(), SlowCanned, slow.BaseAddress);
            try
            {
                return await measure(system);
            }
            finally
            {
                await redis.GetDatabase().KeyDeleteAsync([RedisKeys.Instance(Canned), RedisKeys.Instance(SlowCanned)]);
            }
        }
        finally
        {
            await system.DisposeAsync();
            system.DeleteFiles();
        }
    }

    /// <summary>
    /// The proxy cases; with <paramref name="whole"/>, the tiny model end to end and the 1,000 streams too (the figures
    /// that do not depend on how the gateway traces).
    /// </summary>
    private static async Task<Measured> MeasureAsync(LaminaSystem system, CannedChatServer upstream, CannedChatServer slow, NginxProxy? nginx, BareYarp yarp, bool whole)
    {
        using var direct = new ClosedLoop(upstream.BaseAddress);
        using var gateway = new ClosedLoop(new Uri($"http://127.0.0.1:{system.GatewayPort}"));
        using var bare = new ClosedLoop(yarp.BaseAddress);
        using var proxy = nginx is null ? null : new ClosedLoop(nginx.BaseAddress);
        ClosedLoop[] sides = proxy is null ? [direct, gateway, bare] : [direct, gateway, bare, proxy];
        // The upstream is this process, so it has no CPU of its own to read; the gateway is the one this system started
        // (by its folder: other systems may run on the machine).
        ProcessCpu?[] cpus = [null, system.ProcessOf("gateway") is { } pid ? ProcessCpu.Of(pid) : null, yarp.Cpu, nginx?.Cpu];

        // The gateway's forwarding path has not run yet. A proxy lives long, so the figure measures it warm: its hot
        // code recompiled optimized (on 2 cores under load that takes 5-10 s), as nginx's C is from the start.
        var warm = await WarmUpAsync(gateway);
        if (whole)
        {
            // The same process serves both systems' turns: warm once.
            await WarmUpAsync(bare);
        }
        foreach (var stream in new[] { false, true })
        {
            foreach (var side in sides)
            {
                await side.RunAsync(Body(Canned, stream), stream, 16, TimeSpan.FromSeconds(0.3), into: null);
            }
        }

        List<string> lines = [];
        List<ProxyCase> cases = [];
        foreach (var stream in new[] { false, true })
        {
            foreach (var clients in Clients)
            {
                var tallies = await TakeTurnsAsync(sides, Body(Canned, stream), stream, clients, WarmUp, Round, cpus: cpus);
                var measured = new ProxyCase(clients, stream, tallies[0], tallies[1], tallies[2], proxy is null ? null : tallies[3]);
                cases.Add(measured);
                lines.Add(measured.Line());
            }
        }

        lines.Add($"gateway-overhead warm-up: {warm.Seconds:0} s at 16 clients until throughput held steady ({warm.First:0} req/s in the first second, {warm.Last:0} in the last)");
        if (!whole)
        {
            return new Measured(lines, cases, null, null);
        }

        var endToEnd = await EndToEndAsync(system, gateway);
        lines.Add($"gateway-overhead tiny end to end, {EndToEndClients} clients: gateway {endToEnd.Gateway.PerSecond:0.0} req/s (p50 {endToEnd.Gateway.P50:0.0} / p99 {endToEnd.Gateway.P99:0.0} ms), "
            + $"its engine directly {endToEnd.Direct.PerSecond:0.0} req/s (p50 {endToEnd.Direct.P50:0.0} / p99 {endToEnd.Direct.P99:0.0} ms), the engine started alone {endToEnd.Alone.PerSecond:0.0} req/s"
            + $"{Errors(("gateway", endToEnd.Gateway), ("direct", endToEnd.Direct), ("alone", endToEnd.Alone))}, {endToEnd.Ratio:0.00}x direct");

        var (ok, wall) = await ManyStreamsAsync(gateway);
        lines.Add($"gateway-overhead {Streams} streams: {ok} ok, {Streams - ok} errors in {wall.TotalSeconds:0.0} s "
            + $"({slow.PeakOpenStreams} open at the upstream at once), {ok / (double)Streams:0.000}x ok");
        return new Measured(lines, cases, endToEnd, ok);
    }

    /// <summary>
    /// Loads a proxy in one-second rounds (both paths): at least 8, since recompiling takes that long here and two cold
    /// rounds can look alike, then until two in a row are within 5% of each other's throughput, or 20 rounds pass.
    /// </summary>
    private static async Task<(int Seconds, double First, double Last)> WarmUpAsync(ClosedLoop proxy)
    {
        List<double> rates = [];
        while (rates.Count < 20 && (rates.Count < 8 || Math.Abs(rates[^1] - rates[^2]) > 0.05 * rates[^2]))
        {
            // Both paths warm; the plain one's rate tells when it is done.
            var round = new Tally();
            await proxy.RunAsync(Body(Canned, stream: false), stream: false, 16, TimeSpan.FromSeconds(0.7), round);
            await proxy.RunAsync(Body(Canned, stream: true), stream: true, 16, TimeSpan.FromSeconds(0.3), into: null);
            rates.Add(round.PerSecond);
        }

        return (rates.Count, rates[0], rates[^1]);
    }

    /// <summary>A short warm-up each (connections for this many clients), then rounds in which the sides take turns, starting with a different one each round.</summary>
    private static async Task<Tally[]> TakeTurnsAsync(
        ClosedLoop[] sides, byte[] body, bool stream, int clients, TimeSpan warmUp, TimeSpan round, int rounds = Rounds, ProcessCpu?[]? cpus = null)
    {
        foreach (var side in sides)
        {
            await side.RunAsync(body, stream, clients, warmUp, into: null);
        }

        var tallies = sides.Select(_ => new Tally()).ToArray();
        for (var turn = 0; turn < rounds; turn++)
        {
            for (var i = 0; i < sides.Length; i++)
            {
                var side = (i + turn) % sides.Length;
                var cpu = cpus?[side];
                var before = cpu?.Used();
                await sides[side].RunAsync(body, stream, clients, round, tallies[side]);
                if (cpu is not null)
                {
                    tallies[side].AddCpu(cpu.Used() - before!.Value);
                }
            }
        }

        return tallies;
    }

    /// <summary>
    /// Short non-streaming chats with the tiny model: through the gateway, to the engine the Runner started for it asked
    /// directly (the same process, so the difference is the gateway's), and to the same engine program started alone with
    /// the Runner's arguments (so a difference in how the Runner starts it shows too).
    /// </summary>
    private static async Task<EndToEnd> EndToEndAsync(LaminaSystem system, ClosedLoop gateway)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            model = LaminaSystem.TinyModel,
            messages = new[] { new { role = "user", content = "Hello" } },
            max_tokens = 16,
            ignore_eos = true,
        });
        // The first request starts the model through the Runner; its record says where and with what context.
        if (!await gateway.SendAsync(body, stream: false, new byte[16 * 1024]))
        {
            throw new InvalidOperationException($"gateway-overhead: a chat with '{LaminaSystem.TinyModel}' through the gateway failed; its Runner could not start it");
        }

        var instance = await system.Gateway.GetFromJsonAsync<InstanceInfo>($"/instances/{LaminaSystem.TinyModel}", LaminaJson.Options);
        string[] context = instance?.ContextLength is { } length ? ["-c", length.ToString(CultureInfo.InvariantCulture)] : [];
        try
        {
            await using var engine = await DirectEngine.StartAsync(Path.Combine(system.Root, "models", "tiny.gguf"), LaminaSystem.TinyModel, context);
            using var direct = new ClosedLoop(new Uri(instance!.Endpoint!));
            using var alone = new ClosedLoop(engine.BaseAddress);
            var tallies = await TakeTurnsAsync([direct, gateway, alone], body, stream: false, EndToEndClients, TimeSpan.FromSeconds(0.5), EndToEndRound, EndToEndRounds);
            return new EndToEnd(tallies[1], tallies[0], tallies[2]);
        }
        finally
        {
            (await system.Gateway.PostAsync($"/models/{LaminaSystem.TinyModel}/stop", null)).EnsureSuccessStatusCode();
        }
    }

    internal sealed record EndToEnd(Tally Gateway, Tally Direct, Tally Alone)
    {
        public double Ratio => Gateway.PerSecond / Direct.PerSecond;
    }

    /// <summary>What one started system measured: its lines, the proxy cases, and (for the whole figure) end to end and the streams that ended well.</summary>
    internal sealed record Measured(List<string> Lines, List<ProxyCase> Cases, EndToEnd? EndToEnd, int? StreamsOk);

    /// <summary>Opens <see cref="Streams"/> slow streams through the gateway at once; how many ended 200 with <c>data: [DONE]</c>, and when the last did.</summary>
    private static async Task<(int Ok, TimeSpan Wall)> ManyStreamsAsync(ClosedLoop gateway)
    {
        var body = Body(SlowCanned, stream: true);
        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, Streams).Select(_ => Task.Run(() => gateway.SendAsync(body, stream: true, new byte[4096]))));
        return (answers.Count(ok => ok), clock.Elapsed);
    }

    internal static string Errors(params (string Side, Tally Tally)[] sides) =>
        sides.Any(side => side.Tally.Errors > 0)
            ? $" (errors: {string.Join(", ", sides.Where(side => side.Tally.Errors > 0).Select(side => $"{side.Side} {side.Tally.Errors}"))})"
            : "";

    private static byte[] Body(string model, bool stream) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        model,
        messages = new[] { new { role = "user", content = "Hello" } },
        max_tokens = 16,
        stream,
    });

    /// <summary>An instance record as a Runner writes it, for a backend this process serves.</summary>
    private static Task RecordReadyAsync(IDatabase redis, string model, Uri endpoint)
    {
        var now = DateTimeOffset.UtcNow;
        var record = new InstanceInfo(model, ModelBackends.LlamaCpp, InstanceStates.Ready, endpoint.GetLeftPart(UriPartial.Authority), Environment.ProcessId, now)
        {
            ReadyAt = now,
            Node = "bench/1",
        };
        // Longer than the figure runs, so no renewal is needed; deleted at the end.
        return redis.StringSetAsync(RedisKeys.Instance(model), JsonSerializer.Serialize(record, LaminaJson.Options), TimeSpan.FromHours(1));
    }
}
