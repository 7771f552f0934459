using System.Diagnostics;
using Lamina.TestSupport.Aspire;

namespace Lamina.Bench.Figures;

/// <summary>
/// From a chat request for a stopped model to its first streamed token: through the gateway
/// (Runner start, readiness, forwarding) against starting the same engine directly and asking it.
/// Rounds alternate between the two sides so both meet the same background load, after
/// warm-up rounds that bring the services' code paths to steady state.
/// </summary>
public sealed class ColdStart : IFigure
{
    private const int WarmUpRounds = 5;
    private const int Rounds = 9;

    public string Name => "cold-start";

    public async Task<string> RunAsync()
    {
        await using var system = await LaminaSystem.StartAsync(LaminaSystem.PreferredStore);
        var model = Path.Combine(system.Root, "models", "tiny.gguf");
        var gateway = new Samples();
        var direct = new Samples();
        for (var round = 0; round < WarmUpRounds + Rounds; round++)
        {
            var throughGateway = await GatewayAsync(system);
            var started = await DirectAsync(model);
            if (round >= WarmUpRounds)
            {
                gateway.Add(throughGateway);
                direct.Add(started);
            }
        }

        await StopAsync(system);
        system.DeleteFiles();
        var overhead = gateway.Median - direct.Median;
        return $"cold-start: gateway {Samples.Ms(gateway.Median)} ms, direct {Samples.Ms(direct.Median)} ms, "
            + $"overhead {Samples.Ms(overhead)} ms, {gateway.Median / direct.Median:0.00}x direct";
    }

    private static async Task<TimeSpan> GatewayAsync(LaminaSystem system)
    {
        await StopAsync(system);
        var clock = Stopwatch.StartNew();
        await FirstToken.ReadAsync(system.Gateway, LaminaSystem.TinyModel);
        return clock.Elapsed;
    }

    private static async Task StopAsync(LaminaSystem system) =>
        (await system.Gateway.PostAsync($"/models/{LaminaSystem.TinyModel}/stop", null)).EnsureSuccessStatusCode();

    /// <summary>Starts the engine as the Runner does, polls its health as the Runner does, then asks it for <paramref name="name"/>.</summary>
    internal static async Task<TimeSpan> DirectAsync(string model, string name = LaminaSystem.TinyModel)
    {
        var clock = Stopwatch.StartNew();
        await using var engine = await DirectEngine.StartAsync(model, name);
        await FirstToken.ReadAsync(engine.Client, name);
        return clock.Elapsed;
    }
}
