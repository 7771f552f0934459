using Lamina.Shared.Manifest;

namespace Lamina.Registry.Tests;

public sealed class ManifestReaderTests
{
    [Fact]
    public void LaminaLlmServeManifestReadsWithEveryField()
    {
        var manifest = Read("""
            models:
              llama3.2-1b-q4_k_m:
                path: "llama3.2-1b-q4_k_m/Llama-3.2-1B-Instruct-Q4_K_M.gguf"
                backend: "llama.cpp"
                size: "0.8GB"
                description: "Ultra-efficient 1B parameter model"
                quantization: "Q4_K_M"
                use_cases: ["conversational", "testing"]
                download:
                  huggingface:
                    repo_id: "bartowski/Llama-3.2-1B-Instruct-GGUF"
                    filename: "Llama-3.2-1B-Instruct-Q4_K_M.gguf"
                  ollama:
                    model: "llama3.2:1b"
            categories:
              lightweight: [llama3.2-1b-q4_k_m]
            backends:
              llama.cpp:
                executable: llama-server
            defaults:
              conversational: llama3.2-1b-q4_k_m
            """);

        var model = manifest.Models["llama3.2-1b-q4_k_m"];
        Assert.Equal("llama3.2-1b-q4_k_m/Llama-3.2-1B-Instruct-Q4_K_M.gguf", model.Path);
        Assert.Equal("llama.cpp", model.Backend);
        Assert.Equal("bartowski/Llama-3.2-1B-Instruct-GGUF", model.HuggingFaceRepo);
        Assert.Equal("llama3.2:1b", model.OllamaModel);
        Assert.Equal("0.8GB", model.Raw["size"]!.GetValue<string>());
        Assert.Equal(["llama3.2-1b-q4_k_m"], manifest.Categories["lightweight"]);
        Assert.Equal("llama-server", manifest.Backends["llama.cpp"]["executable"]!.GetValue<string>());
        Assert.Equal("llama3.2-1b-q4_k_m", manifest.Defaults["conversational"]);
    }

    [Fact]
    public void BrokenYamlSaysWhereItBroke()
    {
        var error = Assert.Throws<ManifestException>(() => Read("models:\n  a:\n    path: [unclosed\n"));

        Assert.StartsWith("models.yaml:", error.Message);
        Assert.Contains("not valid YAML", error.Message);
    }

    [Fact]
    public void ModelThatIsNotAMappingIsNamed()
    {
        var error = Assert.Throws<ManifestException>(() => Read("models:\n  lonely: just-a-string\n"));

        Assert.Contains("model 'lonely'", error.Message);
    }

    [Fact]
    public void EmptyFileIsAnEmptyCatalog() => Assert.Empty(Read("").Models);

    [Fact]
    public void ShippedManifestReads()
    {
        var shipped = Path.Combine(RepositoryRoot(), "models.yaml");

        var manifest = ManifestReader.ReadFile(shipped);

        Assert.NotEmpty(manifest.Models);
        Assert.All(manifest.Defaults.Values, name => Assert.Contains(name, manifest.Models.Keys));
        Assert.All(manifest.Categories.Values.SelectMany(names => names), name => Assert.Contains(name, manifest.Models.Keys));
    }

    private static ModelManifest Read(string yaml) => ManifestReader.Read(new StringReader(yaml), "models.yaml");

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lamina.Aspire.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Lamina.Aspire.sln not found above the test folder");
    }
}
