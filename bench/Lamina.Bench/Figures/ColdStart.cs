using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Lamina.TestSupport.Aspire;

namespace Lamina.Bench.Figures;

/// <summary>
/// From a chat request for a stopped model to its first streamed token: through the gateway
/// (Runner start, readiness, forwarding) against starting the same engine directly and asking it.
/// </summary>
public sealed class ColdStart : IFigure
{
    private const int Rounds = 7;

    public string Name => "cold-start";

    public async Task<string> RunAsync()
    {
        await using var system = await LaminaSystem.StartAsync(LaminaSystem.PreferredStore);
        var gateway = new Samples();
        await StopAsync(system);
        await FirstToken.ReadAsync(system.Gateway, LaminaSystem.TinyModel); // warm the services' code paths
        for (var round = 0; round < Rounds; round++)
        {
            await StopAsync(system);
            var clock = Stopwatch.StartNew();
            await FirstToken.ReadAsync(system.Gateway, LaminaSystem.TinyModel);
            gateway.Add(clock.Elapsed);
        }

        await StopAsync(system);
        var model = Path.Combine(system.Root, "models", "tiny.gguf");
        var direct = new Samples();
        await DirectAsync(model); // the same warm-up for the direct side: the OS caches the engine's files
        for (var round = 0; round < Rounds; round++)
        {
            direct.Add(await DirectAsync(model));
        }

        system.DeleteFiles();
        var overhead = gateway.Median - direct.Median;
        return $"cold-start: gateway {Samples.Ms(gateway.Median)} ms, direct {Samples.Ms(direct.Median)} ms, "
            + $"overhead {Samples.Ms(overhead)} ms, {gateway.Median / direct.Median:0.00}x direct";
    }

    private static async Task StopAsync(LaminaSystem system) =>
        (await system.Gateway.PostAsync($"/models/{LaminaSystem.TinyModel}/stop", null)).EnsureSuccessStatusCode();

    private static async Task<TimeSpan> DirectAsync(string model)
    {
        var port = FreePort();
        var engine = Path.Combine(AppContext.BaseDirectory, "Lamina.Engine.dll");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo(host, ["exec", engine, "-m", model, "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-a", LaminaSystem.TinyModel])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            while (true)
            {
                try
                {
                    using var health = await client.GetAsync("/health");
                    if (health.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(10);
            }

            await FirstToken.ReadAsync(client, LaminaSystem.TinyModel);
            return clock.Elapsed;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
