using System.Diagnostics;
using System.Net.Http.Json;
using Lamina.Shared.Contracts;
using Lamina.TestSupport.Aspire;
using Lamina.TestSupport.Gguf;

namespace Lamina.Bench.Figures;

/// <summary>
/// Two models taking turns with Lamina:Runner:MaxLoadedModels=1: a chat request for the model
/// that is not loaded, through the gateway until its first streamed token, so the Runner stops
/// the other and starts this one; against starting the same engine directly and asking it.
/// Rounds alternate between the two sides so both meet the same background load.
/// </summary>
public sealed class Swap : IFigure
{
    private const string First = "swap-a";
    private const string Second = "swap-b";
    private const int WarmUpRounds = 4;
    private const int Rounds = 12;

    public string Name => "swap";

    public async Task<string> RunAsync()
    {
        var root = Directory.CreateTempSubdirectory("lamina-swap-").FullName;
        LaminaSystem system;
        try
        {
            system = await LaminaSystem.StartAsync(LaminaSystem.PreferredStore, await PrepareAsync(root), ["--Lamina:Runner:MaxLoadedModels=1"]);
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }

        string summary;
        try
        {
            summary = await MeasureAsync(system);
        }
        finally
        {
            await system.DisposeAsync();
        }

        // Checked after the system is gone, so a backend its Runner failed to end is caught too.
        var left = await EnginesLeftAsync(system);
        system.DeleteFiles();
        return left.Count == 0 ? summary
            : throw new InvalidOperationException($"swap: engine processes outlived the system: {string.Join("; ", left)}");
    }

    private static async Task<string> PrepareAsync(string root)
    {
        var models = Directory.CreateDirectory(Path.Combine(root, "models")).FullName;
        TinyGguf.Write(Path.Combine(models, $"{First}.gguf"));
        TinyGguf.Write(Path.Combine(models, $"{Second}.gguf"));
        await File.WriteAllTextAsync(Path.Combine(root, "models.yaml"), $"""
            models:
              {First}:
                path: {First}.gguf
                backend: embedded
                description: "Tiny random-weight llama, one of two that take turns"
              {Second}:
                path: {Second}.gguf
                backend: embedded
                description: "Tiny random-weight llama, one of two that take turns"
            """);
        return root;
    }

    private static async Task<string> MeasureAsync(LaminaSystem system)
    {
        var swaps = new Samples();
        var launches = new Samples();
        var alone = new Samples();
        // Load the second model first, so that the first round already swaps.
        await FirstToken.ReadAsync(system.Gateway, Second);
        for (var round = 0; round < WarmUpRounds + Rounds; round++)
        {
            var model = round % 2 == 0 ? First : Second;
            var (swap, launched) = await SwapAsync(system, model);
            var direct = await ColdStart.DirectAsync(Path.Combine(system.Root, "models", $"{model}.gguf"), model);
            if (round >= WarmUpRounds)
            {
                swaps.Add(swap);
                launches.Add(launched);
                alone.Add(direct);
            }
        }

        var last = (WarmUpRounds + Rounds) % 2 == 0 ? Second : First;
        (await system.Gateway.PostAsync($"/models/{last}/stop", null)).EnsureSuccessStatusCode();
        return $"swap: {Samples.Ms(swaps.Median)} ms per swap (p50; p90 {Samples.Ms(swaps.Percentile(90))} ms; "
            + $"old model stopped and new engine launched {Samples.Ms(launches.Median)} ms in), "
            + $"engine load alone {Samples.Ms(alone.Median)} ms, {swaps.Median / alone.Median:0.00}x engine load";
    }

    /// <summary>From sending to the first token, and from sending to the moment the Runner launched the new engine.</summary>
    private static async Task<(TimeSpan Swap, TimeSpan Launched)> SwapAsync(LaminaSystem system, string model)
    {
        var sent = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await FirstToken.ReadAsync(system.Gateway, model);
        var elapsed = clock.Elapsed;

        var loaded = (await system.Gateway.GetFromJsonAsync<Listed>("/instances", LaminaJson.Options))!.Instances;
        if (loaded is not [{ IsReady: true } instance] || instance.Model != model)
        {
            throw new InvalidOperationException(
                $"swap: after asking for '{model}' with MaxLoadedModels=1 the Runner lists [{string.Join(", ", loaded.Select(i => $"{i.Model} ({i.State})"))}], not '{model}' alone and ready; no swap happened");
        }

        // StartedAt is when the Runner spawned the engine, after it had stopped the other model.
        return (elapsed, instance.StartedAt - sent);
    }

    private static async Task<IReadOnlyList<string>> EnginesLeftAsync(LaminaSystem system)
    {
        IReadOnlyList<string> Engines() => [.. system.ProcessesLeft().Where(line => line.Contains("Lamina.Engine", StringComparison.Ordinal))];
        await Eventually.TrueAsync(() => Task.FromResult(Engines().Count == 0), TimeSpan.FromSeconds(10));
        return Engines();
    }

    private sealed record Listed(IReadOnlyList<InstanceInfo> Instances);
}
