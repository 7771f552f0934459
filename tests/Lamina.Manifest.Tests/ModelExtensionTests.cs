using Lamina.Shared.Manifest;

namespace Lamina.Manifest.Tests;

public sealed class ModelExtensionTests
{
    [Fact]
    public void ExtensionsAreTypedOnTheEntryAndKeptInRaw()
    {
        var result = Manifests.Load("""
            models:
              qwen2.5-7b:
                path: qwen/Qwen2.5-7B-Instruct-Q4_K_M.gguf
                backend: auto
                use_cases: [conversational, reasoning]
                tags: [qwen, instruct]
                aliases: ["qwen2.5:7b", qwen]
                context_length: 32768
                sha256: 65B3D8D0C25E1B8E51D8A6C2A0D5D2D7A0C2E1F5A7E3B6C8D9E0F1A2B3C4D5E6
                format: gguf
                args: [--flash-attn, -c, 8192]
                gpu_layers: -1
                keep_alive: 5m
            """);

        Assert.Empty(result.Problems);
        var model = result.Manifest.Models["qwen2.5-7b"];
        Assert.Equal("auto", model.Backend);
        Assert.Equal(["conversational", "reasoning"], model.UseCases);
        Assert.Equal(["qwen", "instruct"], model.Tags);
        Assert.Equal(["qwen2.5:7b", "qwen"], model.Aliases);
        Assert.Equal(32768, model.ContextLength);
        Assert.Equal("65b3d8d0c25e1b8e51d8a6c2a0d5d2d7a0c2e1f5a7e3b6c8d9e0f1a2b3c4d5e6", model.Sha256);
        Assert.Equal(ModelFormats.Gguf, model.Format);
        Assert.Equal(["--flash-attn", "-c", "8192"], model.Args);
        Assert.Equal(-1, model.GpuLayers);
        Assert.Equal(TimeSpan.FromMinutes(5), model.KeepAlive);
        Assert.Equal(32768, model.Raw["context_length"]!.GetValue<long>());
        Assert.Equal("5m", model.Raw["keep_alive"]!.GetValue<string>());
    }

    [Fact]
    public void AbsentExtensionsAreEmptyOrNull()
    {
        var model = Manifests.Load("models:\n  a:\n    path: a.gguf\n").Manifest.Models["a"];

        Assert.Equal("auto", model.Backend);
        Assert.Empty(model.UseCases);
        Assert.Empty(model.Aliases);
        Assert.Null(model.ContextLength);
        Assert.Null(model.KeepAlive);
        Assert.Null(model.GpuLayers);
    }

    [Fact]
    public void AliasesResolveToTheModelAndInCategoriesAndDefaults()
    {
        var manifest = Manifests.Load("""
            models:
              llama3.2-1b-q4_k_m:
                path: llama/Llama-3.2-1B-Instruct-Q4_K_M.gguf
                aliases: ["llama3.2:1b"]
            categories:
              lightweight: ["llama3.2:1b"]
            defaults:
              lightweight: "llama3.2:1b"
            """).Manifest;

        Assert.True(manifest.TryGetModel("llama3.2:1b", out var model));
        Assert.Equal("llama3.2-1b-q4_k_m", model.Name);
        Assert.False(manifest.TryGetModel("llama3.2:3b", out _));
        Assert.Equal(["llama3.2-1b-q4_k_m"], manifest.Categories["lightweight"]);
        Assert.Equal("llama3.2-1b-q4_k_m", manifest.Defaults["lightweight"]);
        Assert.Equal(["llama3.2-1b-q4_k_m"], manifest.Models.Keys);
    }

    [Theory]
    [InlineData("m", "models/x.GGUF", "vllm", "gguf")]
    [InlineData("m", "x/model.safetensors", "llama.cpp", "safetensors")]
    [InlineData("m", "Llama-3-8B-Instruct-q4f16_1-MLC", "auto", "mlc")]
    [InlineData("llama-mlc", "llama", "auto", "mlc")]
    [InlineData("m", "llama", "mlc", "mlc")]
    [InlineData("m", "Llama-3.1-8B-Instruct", "vllm", "safetensors")]
    [InlineData("m", "Llama-3.1-8B-Instruct", "auto", "safetensors")]
    [InlineData("m", "llama/model.bin", "llama.cpp", "gguf")]
    [InlineData("m", "llama/model.bin", "embedded", "gguf")]
    [InlineData("mlcommons", "mlcommons/x", "auto", "safetensors")]
    public void FormatIsInferredWhenAbsent(string name, string path, string backend, string format)
    {
        Assert.Equal(format, ModelFormats.Infer(name, path, backend));
        var model = Manifests.Load($"models:\n  {name}:\n    path: {path}\n    backend: {backend}\n").Manifest.Models[name];
        Assert.Equal(format, model.Format);
    }

    [Fact]
    public void GivenFormatWinsOverInference() =>
        Assert.Equal("mlc", Manifests.Load("models:\n  a:\n    path: a.gguf\n    format: mlc\n").Manifest.Models["a"].Format);

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData("250ms", 0.25)]
    [InlineData("300", 300)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    public void KeepAliveReadsOllamaDurations(string text, double seconds)
    {
        Assert.True(KeepAliveDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-1m")]
    [InlineData("-5")]
    public void NegativeKeepAliveMeansForever(string text)
    {
        Assert.True(KeepAliveDuration.TryParse(text, out var duration));
        Assert.Equal(KeepAliveDuration.Forever, duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("5 minutes")]
    [InlineData("5d")]
    [InlineData("forever")]
    [InlineData("Infinity")]
    [InlineData("-")]
    public void KeepAliveRefusesWhatOllamaRefuses(string text) => Assert.False(KeepAliveDuration.TryParse(text, out _));

    [Fact]
    public void KeepAliveAsAYamlNumberIsSeconds()
    {
        var models = Manifests.Load("models:\n  a:\n    path: a\n    keep_alive: 120\n  b:\n    path: b\n    keep_alive: -1\n").Manifest.Models;

        Assert.Equal(TimeSpan.FromMinutes(2), models["a"].KeepAlive);
        Assert.Equal(KeepAliveDuration.Forever, models["b"].KeepAlive);
    }
}
