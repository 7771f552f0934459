using System.Diagnostics;
using System.Text;
using Lamina.Shared.Manifest;
using Xunit.Abstractions;

namespace Lamina.Manifest.Tests;

/// <summary>Timings run alone, not beside this assembly's other tests.</summary>
[CollectionDefinition(nameof(Timing), DisableParallelization = true)]
public sealed class Timing;

[Collection(nameof(Timing))]
public sealed class ManifestPerformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void TenThousandModelsLoadAndValidateWellUnderASecond()
    {
        var yaml = LargeCatalog(10_000);
        ManifestReader.Load(new StringReader(yaml), "warm-up.yaml");

        // The best of three: other test assemblies share the machine, and a pause they cause is not the loader's.
        var best = TimeSpan.MaxValue;
        ManifestLoadResult? result = null;
        for (var round = 0; round < 3; round++)
        {
            var clock = Stopwatch.StartNew();
            result = ManifestReader.Load(new StringReader(yaml), "models.yaml");
            best = TimeSpan.FromTicks(Math.Min(best.Ticks, clock.Elapsed.Ticks));
        }

        output.WriteLine($"10,000 models ({yaml.Length / 1024} KiB): loaded and validated in {best.TotalMilliseconds:F0} ms");
        Assert.Empty(result!.Problems);
        Assert.Equal(10_000, result.Manifest.Models.Count);
        // Generous for slow CI machines; the figure above is what to compare.
        Assert.InRange(best, TimeSpan.Zero, TimeSpan.FromSeconds(3));
    }

    public static string LargeCatalog(int count)
    {
        var yaml = new StringBuilder("models:\n");
        for (var i = 0; i < count; i++)
        {
            yaml.Append($"""
                  model-{i}-q4_k_m:
                    path: model-{i}/Model-{i}-Q4_K_M.gguf
                    backend: llama.cpp
                    size: "4.7GB"
                    description: "Generated model number {i}"
                    quantization: Q4_K_M
                    use_cases: [conversational, code]
                    tags: [generated, instruct]
                    aliases: ["model-{i}:7b"]
                    context_length: 32768
                    keep_alive: 5m
                    download:
                      huggingface:
                        repo_id: owner/Model-{i}-GGUF
                        filename: Model-{i}-Q4_K_M.gguf
                      ollama:
                        model: "model-{i}:7b"

                """);
        }

        yaml.Append("categories:\n  conversational: [model-0-q4_k_m, \"model-1:7b\"]\ndefaults:\n  conversational: model-0-q4_k_m\n");
        return yaml.ToString();
    }
}
