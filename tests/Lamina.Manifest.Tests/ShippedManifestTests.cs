using System.Text.Json;
using Lamina.Shared.Contracts;
using Lamina.Shared.Manifest;
using YamlDotNet.RepresentationModel;

namespace Lamina.Manifest.Tests;

/// <summary>
/// The catalog Lamina ships (models.yaml as committed, built into Lamina.Shared), not the live
/// manifest: models pulled or added there need none of the shipped catalog's curation.
/// </summary>
public sealed class ShippedManifestTests
{
    [Fact]
    public void ShippedCatalogHasNoProblemAndEveryModelIsCurated()
    {
        var result = ManifestReader.Load(new StringReader(ShippedCatalog.Text), "models.yaml");

        Assert.Empty(result.Problems);
        var manifest = result.Manifest;
        Assert.True(manifest.Models.Count >= 15);
        Assert.All(manifest.Models.Values, model =>
        {
            Assert.NotEmpty(model.UseCases);
            Assert.NotEmpty(model.Tags);
            Assert.True(model.ContextLength >= 2048);
            Assert.Equal(ModelFormats.Gguf, model.Format);
            Assert.Equal(ModelFormats.Gguf, model.Raw["format"]!.GetValue<string>());
            Assert.NotNull(model.HuggingFaceRepo);
        });
        Assert.All(manifest.Defaults, pair => Assert.Contains(pair.Key, manifest.Models[pair.Value].UseCases));
        Assert.All(manifest.Categories.Values.SelectMany(names => names), name => Assert.Contains(name, manifest.Models.Keys));
    }

    [Fact]
    public void ShippedCatalogNamesItsSchemaOnTheFirstLine() =>
        Assert.Equal("# yaml-language-server: $schema=./models.schema.json", ShippedCatalog.Text.ReplaceLineEndings("\n").Split('\n')[0]);

    [Fact]
    public void EveryFieldNameOfTheShippedCatalogIsInTheSchema()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Manifests.RepositoryFile("models.schema.json")));
        var yaml = new YamlStream();
        yaml.Load(new StringReader(ShippedCatalog.Text));
        var missing = new List<string>();

        SchemaWalk.Fields(yaml.Documents[0].RootNode, schema.RootElement, schema.RootElement, "", missing);

        Assert.Empty(missing);
    }

    [Fact]
    public void SchemaWalkFindsAFieldTheSchemaDoesNotName()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Manifests.RepositoryFile("models.schema.json")));
        var yaml = new YamlStream();
        yaml.Load(new StringReader("models:\n  a:\n    path: a\n    contxt_length: 5\n    download:\n      ollama: {modle: x}\n"));
        var missing = new List<string>();

        SchemaWalk.Fields(yaml.Documents[0].RootNode, schema.RootElement, schema.RootElement, "", missing);

        Assert.Equal(["models.a.contxt_length", "models.a.download.ollama.modle"], missing);
    }

    [Fact]
    public void SchemaDescribesEveryFieldTheValidatorReadsWithTheSameRules()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Manifests.RepositoryFile("models.schema.json")));
        var definitions = schema.RootElement.GetProperty("definitions");
        var model = definitions.GetProperty("model").GetProperty("properties");

        Assert.Equal("http://json-schema.org/draft-07/schema#", schema.RootElement.GetProperty("$schema").GetString());
        Assert.All(
            (string[])["path", "backend", "size", "description", "quantization", "format", "context_length", "use_cases", "tags", "aliases", "sha256", "args", "gpu_layers", "keep_alive", "load_timeout", "download", "ollama_layers"],
            field => Assert.True(model.TryGetProperty(field, out _), $"models.*.{field} is not in the schema"));
        Assert.Equal(ModelNames.Pattern, definitions.GetProperty("name").GetProperty("pattern").GetString());
        Assert.Equal(ModelFormats.All, model.GetProperty("format").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(ModelBackends.BuiltIn, model.GetProperty("backend").GetProperty("anyOf")[0].GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void EveryFieldOfTheTypedManifestEntryIsInTheSchemaAndTheOtherWayRound()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Manifests.RepositoryFile("models.schema.json")));
        var described = schema.RootElement.GetProperty("definitions").GetProperty("model").GetProperty("properties")
            .EnumerateObject().Select(property => property.Name).Order();

        // What the Downloader writes with PUT /models/{name}: the entry's own fields, and nothing the Registry works out.
        var written = LaminaJsonContext.Default.ManifestEntry.Properties.Where(property => !property.IsExtensionData).Select(property => property.Name).Order();

        Assert.Equal(described, written);
    }
}
