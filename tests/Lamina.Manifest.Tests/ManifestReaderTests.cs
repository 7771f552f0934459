using Lamina.Shared.Manifest;

namespace Lamina.Manifest.Tests;

public sealed class ManifestReaderTests
{
    [Fact]
    public void LaminaLlmServeManifestReadsWithEveryField()
    {
        var result = Manifests.Load("""
            models:
              llama3.2-1b-q4_k_m:
                path: "llama3.2-1b-q4_k_m/Llama-3.2-1B-Instruct-Q4_K_M.gguf"
                backend: "llama.cpp"
                size: "0.8GB"
                description: "Ultra-efficient 1B parameter model"
                quantization: "Q4_K_M"
                use_cases: ["conversational", "testing"]
                custom_field: {kept: [1, true]}
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

        Assert.Empty(result.Problems);
        var manifest = result.Manifest;
        var model = manifest.Models["llama3.2-1b-q4_k_m"];
        Assert.Equal("llama3.2-1b-q4_k_m/Llama-3.2-1B-Instruct-Q4_K_M.gguf", model.Path);
        Assert.Equal("llama.cpp", model.Backend);
        Assert.Equal("Ultra-efficient 1B parameter model", model.Description);
        Assert.Equal("bartowski/Llama-3.2-1B-Instruct-GGUF", model.HuggingFaceRepo);
        Assert.Equal("llama3.2:1b", model.OllamaModel);
        Assert.Equal("0.8GB", model.Raw["size"]!.GetValue<string>());
        Assert.Equal("""{"kept":[1,true]}""", model.Raw["custom_field"]!.ToJsonString());
        Assert.Equal(["llama3.2-1b-q4_k_m"], manifest.Categories["lightweight"]);
        Assert.Equal("llama-server", manifest.Backends["llama.cpp"]["executable"]!.GetValue<string>());
        Assert.Equal("llama3.2-1b-q4_k_m", manifest.Defaults["conversational"]);
    }

    [Fact]
    public void EachModelKeepsItsOwnFieldsAndTheirJsonTypes()
    {
        var models = Manifests.Load("models:\n  a:\n    path: a.gguf\n    extra: {n: [1, 2.5, true, ~, \"7\"]}\n  b:\n    path: b/b.gguf\n").Manifest.Models;

        Assert.Equal("""{"path":"a.gguf","extra":{"n":[1,2.5,true,null,"7"]}}""", models["a"].Raw.ToJsonString());
        Assert.Equal("""{"path":"b/b.gguf"}""", models["b"].Raw.ToJsonString());
    }

    [Fact]
    public void RawFieldsCanBeReadFromManyThreadsAtOnce()
    {
        // Raw builds its children on first use; concurrent first reads must all see every field.
        var models = ManifestReader.Load(new StringReader(ShippedCatalog.Text), "models.yaml").Manifest.Models.Values.ToList();

        var counts = models.AsParallel().WithDegreeOfParallelism(8)
            .SelectMany(model => Enumerable.Range(0, 8).Select(_ => model))
            .Select(model => model.Raw.DeepClone().AsObject().Count + model.Raw.Count + (model.Raw["download"]?["huggingface"]?["repo_id"] is null ? 0 : 1))
            .ToList();

        Assert.Equal(models.Sum(model => 8 * (2 * model.Raw.Count + 1)), counts.Sum());
    }

    [Fact]
    public void BrokenYamlSaysWhereItBroke()
    {
        var result = Manifests.Load("models:\n  a:\n    path: [unclosed\n");

        var problem = Assert.Single(result.Problems);
        Assert.True(result.Unreadable);
        Assert.Empty(result.Manifest.Models);
        Assert.Equal((3, 11, "models.a.path"), (problem.Line, problem.Column, problem.Field));
        Assert.StartsWith("models.yaml:3:11: models.a.path: not valid YAML: the '[' here is not closed", problem.ToString());
    }

    [Fact]
    public void YamlBrokenOutsideBracketsIsPlacedWhereTheParserStopped()
    {
        var problem = Assert.Single(Manifests.Load("models:\n  a: b: c\n").Problems);

        Assert.Equal((2, 7), (problem.Line, problem.Column));
        Assert.Contains("not valid YAML", problem.Message);
    }

    [Fact]
    public void ModelThatIsNotAMappingIsNamedAndLeftOut()
    {
        var result = Manifests.Load("models:\n  lonely: just-a-string\n  fine:\n    path: fine.gguf\n");

        Assert.Equal(["models.yaml:2:11: models.lonely: must be a mapping with at least 'path', like path: my-model/my-model.Q4_K_M.gguf"],
            result.Problems.Select(p => p.ToString()));
        Assert.Equal(["fine"], result.Manifest.Models.Keys);
    }

    [Fact]
    public void EmptyFileIsAnEmptyCatalog()
    {
        var result = Manifests.Load("# nothing yet\n");

        Assert.Empty(result.Manifest.Models);
        Assert.Empty(result.Problems);
        Assert.False(result.Unreadable);
    }

    [Fact]
    public void ByteOrderMarkIsNotPartOfTheFirstKey() =>
        Assert.Equal(["a"], Manifests.Load("\uFEFFmodels:\n  a:\n    path: a\n").Manifest.Models.Keys);

    [Fact]
    public void MissingFileIsOneUnreadableProblem()
    {
        var result = ManifestReader.LoadFile("/nonexistent/models.yaml");

        Assert.True(result.Unreadable);
        Assert.Equal("/nonexistent/models.yaml: the manifest does not exist; create it or set Lamina:Manifest to the models.yaml to use",
            Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void ReadFileThrowsEveryProblemForCallersThatWantAllOrNothing()
    {
        var folder = Directory.CreateTempSubdirectory("lamina-manifest-").FullName;
        var path = Path.Combine(folder, "models.yaml");
        File.WriteAllText(path, "models:\n  a:\n    path: a.gguf\n    backend: llamacpp\n  b:\n    path: ../b.gguf\n");

        var error = Assert.Throws<ManifestException>(() => ManifestReader.ReadFile(path));
        Directory.Delete(folder, recursive: true);

        Assert.Equal(2, error.Problems.Count);
        Assert.Equal(string.Join(Environment.NewLine, error.Problems), error.Message);
        Assert.StartsWith($"{path}:4:14: models.a.backend: unknown backend 'llamacpp'", error.Message);
    }
}
