using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Shared.Manifest;
using Xunit.Abstractions;

namespace Lamina.Manifest.Tests;

public sealed class ManifestDocumentTests(ITestOutputHelper output)
{
    private static readonly string Shipped = ShippedCatalog.Text;

    [Fact]
    public void EditingAnyOneEntryReparsesOnlyItAndReadsAsTheWholeFileDoes()
    {
        var document = ManifestDocument.Read(Shipped, "models.yaml");
        Assert.Empty(document.Result.Problems);

        foreach (var name in document.Result.Manifest.Models.Keys)
        {
            var description = document.Result.Manifest.Models[name].Description!;
            var edited = Shipped.Replace($"description: \"{description}\"", $"description: \"{description}, edited\"", StringComparison.Ordinal)
                .Replace($"description: {description}\n", $"description: {description}, edited\n", StringComparison.Ordinal);
            Assert.NotEqual(Shipped, edited);

            var updated = document.Update(edited);

            Assert.True(updated.ReadInPart, name);
            Assert.Equal(description + ", edited", updated.Result.Manifest.Models[name].Description);
            Assert.Equal(Describe(ManifestDocument.Read(edited, "models.yaml")), Describe(updated));
        }
    }

    [Theory]
    [InlineData("an entry added after the last", "  extra-model:\n    path: extra.gguf\n", "\ncategories:", true)]
    [InlineData("an entry renamed", null, null, true)]
    [InlineData("a model named twice", null, null, false)]
    [InlineData("a backend no one declared", "    backend: llamacpp\n", "    backend: llama.cpp\n", false)]
    [InlineData("a category edited", null, null, false)]
    [InlineData("YAML broken inside an entry", "    path: [unclosed\n", null, false)]
    public void EditsReadInPartOnlyWhenTheyStayInsideCleanEntries(string edit, string? insert, string? before, bool inPart)
    {
        var yaml = ManifestPerformanceTests.LargeCatalog(20);
        var document = ManifestDocument.Read(yaml, "models.yaml");
        var at = yaml.IndexOf("  model-5-q4_k_m:\n", StringComparison.Ordinal);
        var edited = edit switch
        {
            "an entry renamed" => yaml.Replace("model-5-q4_k_m:", "renamed-model:", StringComparison.Ordinal),
            "a model named twice" => yaml.Replace("model-5-q4_k_m:", "model-6-q4_k_m:", StringComparison.Ordinal),
            "a category edited" => yaml.Replace("categories:\n", "categories:\n  extra: [model-6-q4_k_m]\n", StringComparison.Ordinal),
            _ when before is null => yaml.Insert(yaml.IndexOf('\n', at) + 1, insert!),
            _ when before == "\ncategories:" => yaml.Insert(yaml.IndexOf("categories:", StringComparison.Ordinal), insert!),
            _ => yaml[..at] + yaml[at..].Replace(before, insert!, StringComparison.Ordinal),
        };

        var updated = document.Update(edited);

        Assert.Equal(inPart, updated.ReadInPart);
        Assert.Equal(Describe(ManifestDocument.Read(edited, "models.yaml")), Describe(updated));
    }

    private const string Small = "models:\n  a:\n    path: a\n    description: |+\n      kept\n\n  b:\n    path: b\n    tags: [x]\n\n  c:\n    path: c\ncategories:\n  all: [a, b, c]\n";

    // Each is an edit the incremental reading once read differently from the whole file.
    [Theory]
    [InlineData("a line of just ':' after an entry (the parser drops it when nothing follows)", "    tags: [x]\n\n", "    tags: [x]\n:\n")]
    [InlineData("an edit that joins an entry's last line to the next entry's name", "    tags: [x]\n\n  c:", "    tags: [x]\n    size: big  c:")]
    [InlineData("an edit that joins the last entry to the next section", "    path: c\ncategories:", "    path: ccategories:")]
    [InlineData("a blank line before a name, kept by the block scalar above", "\n  b:\n", "\n\n  b:\n")]
    [InlineData("text before a name that continues the block scalar above", "\n  b:\n", "\n      # more\n  b:\n")]
    [InlineData("a document end inside an entry", "    tags: [x]\n", "    tags: [x]\n...\n")]
    public void EditsAtTheEdgesOfEntriesReadAsTheWholeFileDoes(string edit, string from, string to)
    {
        var document = ManifestDocument.Read(Small, "models.yaml");
        Assert.True(document.Result.IsClean);
        var edited = Small.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Small, edited);

        var updated = document.Update(edited);

        Assert.True(Describe(ManifestDocument.Read(edited, "models.yaml")) == Describe(updated), edit);
    }

    [Fact]
    public void ALineOfJustAColonIsAProblem()
    {
        var result = Manifests.Load("models:\n  a:\n    path: a\n:\n");

        var problem = Assert.Single(result.Problems);
        Assert.Equal((4, 2), (problem.Line, problem.Column));
        Assert.Contains("':' with no name before it", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    // The file of issue 14: a pull had added llama3.2 as the Downloader writes it, and round 559 read differently.
    [InlineData(true)]
    public void ThousandsOfRandomEditsReadAsTheWholeFileDoes(bool withPulledModel)
    {
        var text = withPulledModel ? ManifestEditor.Upsert(Shipped, "llama3.2", PulledEntry()).Text : Shipped;
        var random = new Random(20261126);
        var document = ManifestDocument.Read(text, "models.yaml");
        Assert.True(document.Result.IsClean);
        const string Characters = ":-[]{}#\"' \n\t&*|>,a0.";
        var inPart = 0;
        for (var round = 0; round < 3000; round++)
        {
            var at = random.Next(text.Length);
            var edited = random.Next(4) switch
            {
                0 => text.Insert(at, Characters[random.Next(Characters.Length)].ToString()),
                1 => text.Remove(at, Math.Min(random.Next(1, 40), text.Length - at)),
                2 => text.Insert(LineStart(text, at), text[LineStart(text, at)..(text.IndexOf('\n', at) + 1)]),
                _ => text.Insert(at, random.Next(2) == 0 ? "x" : "\n  "),
            };

            var updated = document.Update(edited);
            inPart += updated.ReadInPart ? 1 : 0;
            Assert.True(Describe(ManifestDocument.Read(edited, "models.yaml")) == Describe(updated), $"round {round}: the reading in part differs from the whole reading of:\n{edited}");
        }

        output.WriteLine($"{inPart} of 3000 random edits were read in part");
        Assert.InRange(inPart, 300, 3000);
    }

    [Fact]
    public void OneEntryOfTenThousandReloadsInAFractionOfAWholeReading()
    {
        var yaml = ManifestPerformanceTests.LargeCatalog(10_000);
        var document = ManifestDocument.Read(yaml, "models.yaml");
        var edited = yaml.Replace("Generated model number 5000\"", "Generated model number 5000, edited\"", StringComparison.Ordinal);
        document.Update(edited);

        var whole = Stopwatch.StartNew();
        ManifestDocument.Read(edited, "models.yaml");
        whole.Stop();
        var part = Stopwatch.StartNew();
        var updated = document.Update(edited);
        part.Stop();

        output.WriteLine($"10,000 models: one edited entry read in part in {part.Elapsed.TotalMilliseconds:F1} ms, the whole file in {whole.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(updated.ReadInPart);
        Assert.Equal("Generated model number 5000, edited", updated.Result.Manifest.Models["model-5000-q4_k_m"].Description);
        Assert.True(part.Elapsed < whole.Elapsed / 4, $"in part {part.Elapsed.TotalMilliseconds:F1} ms, whole {whole.Elapsed.TotalMilliseconds:F0} ms");
    }

    /// <summary>The entry the Downloader registers for <c>ollama pull llama3.2</c>.</summary>
    private static JsonObject PulledEntry() => new()
    {
        ["path"] = "llama3.2:latest/llama3.2-latest.gguf",
        ["backend"] = "auto",
        ["format"] = "gguf",
        ["description"] = "Downloaded from ollama",
        ["download"] = new JsonObject { ["ollama"] = new JsonObject { ["model"] = "llama3.2" } },
        ["ollama_layers"] = new JsonObject { ["template"] = "llama3.2:latest/template", ["params"] = "llama3.2:latest/params.json" },
    };

    private static int LineStart(string text, int index) => index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;

    /// <summary>Everything a reading gives, as text to compare.</summary>
    internal static string Describe(ManifestDocument document)
    {
        var (manifest, problems, unreadable) = document.Result;
        var text = new StringBuilder($"unreadable: {unreadable}\n");
        problems.ToList().ForEach(problem => text.Append(problem).Append(" [").Append(problem.Model).Append("]\n"));
        foreach (var (name, model) in manifest.Models.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.Append($"{name}: {model.Path} {model.Backend} {model.Format} {model.ContextLength} {model.Sha256} {model.GpuLayers} {model.KeepAlive} ")
                .Append($"[{string.Join(",", model.UseCases)}] [{string.Join(",", model.Tags)}] [{string.Join(",", model.Aliases)}] [{string.Join(",", model.Args)}] ")
                .Append(model.Raw.ToJsonString()).Append('\n');
        }

        text.Append(JsonSerializer.Serialize(manifest.Categories)).Append(JsonSerializer.Serialize(manifest.Defaults))
            .Append(JsonSerializer.Serialize(manifest.Aliases.OrderBy(pair => pair.Key, StringComparer.Ordinal)))
            .Append(JsonSerializer.Serialize(manifest.Backends.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Value.ToJsonString())));
        return text.ToString();
    }
}
