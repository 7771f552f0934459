using System.Diagnostics;
using System.Text;
using Lamina.Registry;
using Lamina.Registry.Catalog;
using Lamina.TestSupport.Aspire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using YamlDotNet.RepresentationModel;

namespace Lamina.Bench.Figures;

/// <summary>
/// A catalog of 10,000 models, half on disk as small GGUF files: cold load and validation
/// against parsing the same YAML alone, a reload after one entry changes, and
/// <c>GET /models/{name}</c> through the gateway against the gateway's <c>/health</c>.
/// </summary>
public sealed class RegistryScale : IFigure
{
    private const int Models = 10_000;
    private const int Requests = 2_000;

    public string Name => "registry-scale";

    public async Task<string> RunAsync()
    {
        // Both sides first read a small catalog, so "cold" means a new catalog, not code the JIT has never seen.
        var warmUp = Directory.CreateTempSubdirectory("lamina-scale-").FullName;
        await WriteCatalogAsync(warmUp, 100);
        new YamlStream().Load(new StringReader(await File.ReadAllTextAsync(Path.Combine(warmUp, "models.yaml"))));
        Catalog(warmUp).Refresh();
        Directory.Delete(warmUp, recursive: true);

        var root = Directory.CreateTempSubdirectory("lamina-scale-").FullName;
        var manifest = Path.Combine(root, "models.yaml");
        await WriteCatalogAsync(root, Models);

        var yaml = await File.ReadAllTextAsync(manifest);
        var parseOnly = Time(() => new YamlStream().Load(new StringReader(yaml)));
        var catalog = Catalog(root);
        var coldLoad = Time(() =>
        {
            catalog.Refresh();
            _ = catalog.Manifest.Models.Values.Count(model => catalog.Describe(model).Available);
        });
        if (catalog.Manifest.Models.Count != Models)
        {
            throw new InvalidOperationException($"the catalog served {catalog.Manifest.Models.Count} of {Models} models: {string.Join("; ", catalog.Current.Problems.Take(3))}");
        }

        await File.WriteAllTextAsync(manifest, yaml.Replace("description: model 5000\n", "description: model 5000, edited\n", StringComparison.Ordinal));
        var reload = Time(() => catalog.Refresh());

        await File.WriteAllTextAsync(manifest, yaml);
        await using var system = await LaminaSystem.StartAsync(LaminaSystem.PreferredStore, root);
        var (floor, models) = await LatenciesAsync(system.Gateway, _ => "/health", i => $"/models/m{i % Models:00000}");
        Directory.Delete(root, recursive: true);

        return $"registry-scale: {Models} models, cold load+validate {Samples.Ms(coldLoad)} ms (YAML parse alone {Samples.Ms(parseOnly)} ms, {coldLoad / parseOnly:0.00}x), "
            + $"reload after one edit {Samples.Ms(reload)} ms, GET /models/{{name}} p50 {Samples.Ms(models.P50)} ms p99 {Samples.Ms(models.P99)} ms "
            + $"(/health p50 {Samples.Ms(floor.P50)} ms p99 {Samples.Ms(floor.P99)} ms), p50 +{Samples.Ms(models.P50 - floor.P50)} ms, {models.P50 / floor.P50:0.00}x /health";
    }

    private static ModelCatalog Catalog(string root)
    {
        var options = Options.Create(new RegistryOptions { Manifest = Path.Combine(root, "models.yaml"), ModelsDir = Path.Combine(root, "models"), DataDir = Path.Combine(root, "data") });
        return new(options, new GgufHeaders(), new ChecksumVerifier(options, NullLogger<ChecksumVerifier>.Instance), TimeProvider.System, NullLogger<ModelCatalog>.Instance);
    }

    private static async Task WriteCatalogAsync(string root, int count)
    {
        var models = Directory.CreateDirectory(Path.Combine(root, "models")).FullName;
        var text = new StringBuilder("models:\n");
        for (var i = 0; i < count; i++)
        {
            var name = $"m{i:00000}";
            text.Append($"  {name}:\n    path: {name}.gguf\n    backend: llama.cpp\n    size: \"{i % 7 + 1}GB\"\n    description: model {i}\n    quantization: Q4_K_M\n");
            if (i % 2 == 0)
            {
                await File.WriteAllBytesAsync(Path.Combine(models, $"{name}.gguf"), SmallGguf());
            }
        }

        text.Append("categories:\n  all: [m00000, m00001]\ndefaults:\n  chat: m00000\n");
        await File.WriteAllTextAsync(Path.Combine(root, "models.yaml"), text.ToString());
    }

    /// <summary>A header-only GGUF v3 file: no tensors, one key.</summary>
    private static byte[] SmallGguf() =>
    [
        .. "GGUF"u8, 3, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0,
        1, 0, 0, 0, 0, 0, 0, 0,
        20, 0, 0, 0, 0, 0, 0, 0, .. "general.architecture"u8, 8, 0, 0, 0,
        5, 0, 0, 0, 0, 0, 0, 0, .. "llama"u8,
    ];

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>
    /// Both routes' latencies, measured in alternation so a pause of the machine lands on both;
    /// after enough warm-up requests for the JIT to have compiled the hot paths fully.
    /// </summary>
    private static async Task<((double P50, double P99) Floor, (double P50, double P99) Measured)> LatenciesAsync(
        HttpClient client, Func<int, string> floorPath, Func<int, string> measuredPath)
    {
        for (var i = 0; i < 3000; i++)
        {
            await TimeAsync(client, floorPath(i));
            await TimeAsync(client, measuredPath(i));
        }

        var floor = new List<double>(Requests);
        var measured = new List<double>(Requests);
        for (var i = 0; i < Requests; i++)
        {
            floor.Add(await TimeAsync(client, floorPath(i)));
            measured.Add(await TimeAsync(client, measuredPath(i)));
        }

        return (Percentiles(floor), Percentiles(measured));
    }

    private static async Task<double> TimeAsync(HttpClient client, string path)
    {
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(path);
        await response.Content.ReadAsByteArrayAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        return elapsed;
    }

    private static (double P50, double P99) Percentiles(List<double> timings)
    {
        timings.Sort();
        return (timings[timings.Count / 2], timings[(int)(timings.Count * 0.99)]);
    }
}
