using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Registry.Catalog;
using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;

namespace Lamina.Registry.Tests;

public sealed class ModelDescriptionsTests
{
    private const string Manifest = """
        models:
          tiny:
            path: tiny/tiny.gguf
            backend: llama.cpp
            description: A tiny model
            size: 4
            keep_alive: 300
            load_timeout: 10m
            args: [-ngl, 20, --mlock, true]
            use_cases: [conversational]
            aliases: ["tiny:latest"]
            download:
              ollama: {model: "tiny:1b"}
            ollama_layers:
              template: tiny/template
            license: apache-2.0
            name: not the name
        """;

    private static readonly ModelEntry Tiny = ManifestReader.Read(new StringReader(Manifest), "models.yaml").Models["tiny"];

    [Fact]
    public void ATypedCatalogModelWritesTheManifestFieldsInTheFormTheFileGaveThem()
    {
        var files = new CatalogModel("tiny", "llama.cpp", "tiny/tiny.gguf", null, false, "missing");
        var instance = new InstanceInfo("tiny", "llama.cpp", InstanceStates.Ready, "http://127.0.0.1:5000", 42, DateTimeOffset.UnixEpoch);

        var body = JsonSerializer.SerializeToNode(ModelDescriptions.Describe(files, Tiny, new Dictionary<string, InstanceInfo> { ["tiny"] = instance }), LaminaJson.Options)!.AsObject();

        // Numbers stay numbers and flags stay flags, as the JsonObject copy of the entry showed them.
        Assert.Equal(300, body["keep_alive"]!.GetValue<int>());
        Assert.Equal(4, body["size"]!.GetValue<int>());
        Assert.Equal("10m", body["load_timeout"]!.GetValue<string>());
        Assert.Equal("""["-ngl",20,"--mlock",true]""", body["args"]!.ToJsonString());
        Assert.Equal("tiny/template", body["ollama_layers"]!["template"]!.GetValue<string>());
        Assert.Equal("tiny:1b", body["download"]!["ollama"]!["model"]!.GetValue<string>());
        // A field Lamina does not interpret is shown; one named like the Registry's own does not take its place.
        Assert.Equal("apache-2.0", body["license"]!.GetValue<string>());
        Assert.Equal("tiny", body["name"]!.GetValue<string>());
        Assert.Null(body["resolved_path"]);
        Assert.True(body.ContainsKey("resolved_path"));
        Assert.Equal((false, true, "missing"), (body["available"]!.GetValue<bool>(), body["active"]!.GetValue<bool>(), body["reason"]!.GetValue<string>()));
        Assert.Equal("http://127.0.0.1:5000/v1/chat/completions", body["server"]!["chat_endpoint"]!.GetValue<string>());
        Assert.Equal(InstanceStates.Ready, body["server"]!["state"]!.GetValue<string>());
    }

    [Fact]
    public void TheManifestEntryOfACatalogModelHasNoFieldTheRegistryWorksOut()
    {
        var files = new CatalogModel("tiny", "llama.cpp", "tiny/tiny.gguf", "/models/tiny/tiny.gguf", true, null) { Checksum = "verified" };
        var described = ModelDescriptions.Describe(files, Tiny, new Dictionary<string, InstanceInfo>()) with
        {
            SizeBytes = 1234,
            ModifiedAt = DateTimeOffset.UnixEpoch,
            Metadata = new ModelMetadata { BlockCount = 2 },
            BackendSettings = new Dictionary<string, BackendSettings> { ["llama.cpp"] = new() { Executable = "llama-server" } },
        };

        var entry = JsonSerializer.SerializeToNode(described.ToManifestEntry(), LaminaJson.Options)!.AsObject();

        Assert.Equal(
            ["aliases", "args", "backend", "description", "download", "keep_alive", "license", "load_timeout", "ollama_layers", "path", "size", "use_cases"],
            entry.Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.True(JsonNode.DeepEquals(Tiny.Raw["download"], entry["download"]));
    }
}
