using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Shared.Contracts;

namespace Lamina.Shared.Tests.Contracts;

public sealed class CatalogModelTests
{
    [Fact]
    public void FieldsWrittenAsNumbersInTheManifestReadAsTheirText()
    {
        const string answer = """
            {"name":"m","backend":"llama.cpp","path":"m.gguf","resolved_path":"/models/m.gguf","available":true,
             "keep_alive":300,"load_timeout":"10m","args":["-ngl",20,"--mlock",true],"gpu_layers":-1,"context_length":4096,
             "backend_settings":{"llama.cpp":{"executable":"llama-server","default_args":["-np",4]}},
             "metadata":{"block_count":22,"estimated_memory_bytes":1234,"estimated_context_length":4096}}
            """;

        var model = JsonSerializer.Deserialize<CatalogModel>(answer, LaminaJson.Options)!;

        Assert.Equal("300", model.KeepAlive);
        Assert.Equal("10m", model.LoadTimeout);
        Assert.Equal(["-ngl", "20", "--mlock", "true"], model.Args);
        Assert.Equal(["-np", "4"], model.BackendSettings!["llama.cpp"].DefaultArgs);
        Assert.Equal((-1, 4096), (model.GpuLayers, model.ContextLength));
        Assert.Equal((22, 1234L, 4096), (model.Metadata!.BlockCount, model.Metadata.EstimatedMemoryBytes, model.Metadata.EstimatedContextLength));
    }

    [Fact]
    public void AListGivenAsSomethingElseIsAnErrorNotAGuess()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CatalogModel>(
            """{"name":"m","backend":"auto","available":true,"args":"--mlock"}""", LaminaJson.Options));

        Assert.Contains("expected a list", error.Message);
    }

    [Fact]
    public void EveryManifestFieldGoesThroughTheCatalogModelAndBackUnchanged()
    {
        var entry = new ManifestEntry
        {
            Path = "a/a.gguf", Backend = "vllm", Description = "d", Size = "4GB", Quantization = "Q4_K_M", Format = "gguf", ContextLength = 8192,
            UseCases = ["code"], Tags = ["small"], Aliases = ["a:latest"], Sha256 = new string('a', 64), Args = ["-ngl", "20"], GpuLayers = -1,
            KeepAlive = "300", LoadTimeout = "10m", Download = new JsonObject { ["url"] = new JsonObject { ["url"] = "http://example.invalid/a.gguf" } },
            OllamaLayers = new Dictionary<string, string> { ["template"] = "a/template" }, OtherFields = new() { ["license"] = JsonSerializer.SerializeToElement("mit") },
        };
        var written = JsonSerializer.SerializeToNode(entry, LaminaJson.Options)!.AsObject();

        var back = CatalogModel.Of("a", "vllm", entry, "/models/a/a.gguf", true, null).ToManifestEntry();

        // The sample sets every field, so a field added to ManifestEntry but not to CatalogModel's copies fails here.
        Assert.Equal(LaminaJsonContext.Default.ManifestEntry.Properties.Count(property => !property.IsExtensionData) + 1, written.Count);
        Assert.True(JsonNode.DeepEquals(written, JsonSerializer.SerializeToNode(back, LaminaJson.Options)), written.ToJsonString());
        Assert.Equal(300, written["keep_alive"]!.GetValue<int>());
    }
}
