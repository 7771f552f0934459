using System.Text.Json.Nodes;
using Lamina.Shared.Manifest;

namespace Lamina.Manifest.Tests;

public sealed class ManifestEditorTests
{
    private const string Catalog = """
        # yaml-language-server: $schema=./models.schema.json
        # Lamina's catalog.
        models:
          # the small one
          a:
            path: a/a.gguf   # relative to the models folder
            backend: llama.cpp
            description: "Model A"

          b:
            path: b/b.gguf
            backend: embedded
            tags:
              - small

        categories:
          chat: [a]   # a first
        defaults:
          chat: a

        """;

    [Fact]
    public void UpsertOfANewModelAppendsItAfterTheLastModel()
    {
        var entry = new JsonObject
        {
            ["path"] = "c/c.gguf",
            ["backend"] = "llama.cpp",
            ["context_length"] = 8192,
            ["tags"] = new JsonArray("code", "small"),
            ["download"] = new JsonObject { ["huggingface"] = new JsonObject { ["repo_id"] = "owner/c-GGUF", ["filename"] = "c.gguf" } },
        };

        var edit = ManifestEditor.Upsert(Catalog, "c", entry);

        Assert.Equal(ManifestEditOutcome.Added, edit.Outcome);
        Assert.Equal(Catalog.Replace("      - small\n", """
                  - small

              c:
                path: c/c.gguf
                backend: llama.cpp
                context_length: 8192
                tags:
                  - code
                  - small
                download:
                  huggingface:
                    repo_id: owner/c-GGUF
                    filename: c.gguf

            """, StringComparison.Ordinal), edit.Text);
        Assert.True(JsonNode.DeepEquals(entry, Manifests.Load(edit.Text).Manifest.Models["c"].Raw));
    }

    [Fact]
    public void UpsertOfAnExistingModelReplacesOnlyItsEntry()
    {
        var edit = ManifestEditor.Upsert(Catalog, "a", new JsonObject { ["path"] = "a/a-v2.gguf", ["backend"] = "vllm" });

        Assert.Equal(ManifestEditOutcome.Replaced, edit.Outcome);
        Assert.Equal(Catalog.Replace("""
              a:
                path: a/a.gguf   # relative to the models folder
                backend: llama.cpp
                description: "Model A"
            """, """
              a:
                path: a/a-v2.gguf
                backend: vllm
            """, StringComparison.Ordinal), edit.Text);
        Assert.Equal("vllm", Manifests.Load(edit.Text).Manifest.Models["a"].Backend);
    }

    [Fact]
    public void RemoveTakesTheEntryAndOneOfTheBlankLinesAroundIt()
    {
        var edit = ManifestEditor.Remove(Catalog, "b");

        Assert.Equal(ManifestEditOutcome.Removed, edit.Outcome);
        Assert.Equal(Catalog.Replace("""
              b:
                path: b/b.gguf
                backend: embedded
                tags:
                  - small


            """, "", StringComparison.Ordinal), edit.Text);
        Assert.Equal(["a"], Manifests.Load(edit.Text).Manifest.Models.Keys);
    }

    [Fact]
    public void RemovingTheLastModelLeavesAnEmptyModelsSection()
    {
        var text = ManifestEditor.Remove(ManifestEditor.Remove("models:\n  a:\n    path: a\n  b:\n    path: b\ncategories: {}\n", "a").Text, "b");

        Assert.Equal(ManifestEditOutcome.Removed, text.Outcome);
        Assert.Equal("models:\ncategories: {}\n", text.Text);
        Assert.Empty(Manifests.Load(text.Text).Problems);
    }

    [Fact]
    public void RemovingAModelThatCategoriesOrDefaultsStillNameIsRefused()
    {
        var edit = ManifestEditor.Remove(Catalog, "a");

        Assert.Equal(ManifestEditOutcome.Invalid, edit.Outcome);
        Assert.Same(Catalog, edit.Text);
        Assert.Equal(["categories.chat[0]", "defaults.chat"], edit.Problems.Select(p => p.Field));
    }

    [Fact]
    public void RemovingAModelTheFileDoesNotHaveIsNotFound() =>
        Assert.Equal(ManifestEditOutcome.NotFound, ManifestEditor.Remove(Catalog, "zzz").Outcome);

    [Fact]
    public void UpsertThatWouldBeInvalidIsRefusedWithItsProblems()
    {
        var edit = ManifestEditor.Upsert(Catalog, "c", new JsonObject { ["path"] = "../c.gguf", ["backend"] = "llamacpp" });

        Assert.Equal(ManifestEditOutcome.Invalid, edit.Outcome);
        Assert.Same(Catalog, edit.Text);
        Assert.Equal(["models.c.path", "models.c.backend"], edit.Problems.Select(p => p.Field));
    }

    [Fact]
    public void ProblemsTheFileAlreadyHadDoNotBlockAnUnrelatedEdit()
    {
        var broken = "models:\n  bad:\n    path: ../x\n  good:\n    path: g\n";

        var edit = ManifestEditor.Upsert(broken, "new", new JsonObject { ["path"] = "new.gguf" });

        Assert.Equal(ManifestEditOutcome.Added, edit.Outcome);
        Assert.Equal(broken + "  new:\n    path: new.gguf\n", edit.Text);
    }

    [Fact]
    public void NamesAndValuesAreQuotedOnlyWhenYamlNeedsIt()
    {
        var entry = new JsonObject
        {
            ["path"] = "llama/Llama-3.2-1B.gguf",
            ["description"] = "Fast: small # not a comment",
            ["quantization"] = "C#",
            ["size"] = "5",
            ["flag"] = "true",
            ["date"] = "2024-01-02",
            ["number"] = 5,
            ["yes"] = true,
            ["note"] = "line one\nline \"two\"",
            ["model"] = "llama3.2:1b",
            ["list"] = new JsonArray("a: b", new JsonObject { ["k"] = "x:y" }, new JsonArray()),
            ["empty"] = new JsonObject(),
            ["nothing"] = null,
        };

        var edit = ManifestEditor.Upsert("models:\n", "llama3.2:1b", entry);

        Assert.Equal("""
            models:
              llama3.2:1b:
                path: llama/Llama-3.2-1B.gguf
                description: "Fast: small # not a comment"
                quantization: "C#"
                size: "5"
                flag: "true"
                date: "2024-01-02"
                number: 5
                "yes": true
                note: "line one\nline \"two\""
                model: llama3.2:1b
                list:
                  - "a: b"
                  - {k: "x:y"}
                  - []
                empty: {}
                nothing: null

            """, edit.Text);
        Assert.True(JsonNode.DeepEquals(entry, Manifests.Load(edit.Text).Manifest.Models["llama3.2:1b"].Raw));
    }

    [Theory]
    [InlineData("", "models:\n  a:\n    path: a\n")]
    [InlineData("# only a comment\n", "# only a comment\n\nmodels:\n  a:\n    path: a\n")]
    [InlineData("defaults: {}", "defaults: {}\n\nmodels:\n  a:\n    path: a\n")]
    [InlineData("models:\ndefaults: {}\n", "models:\n  a:\n    path: a\ndefaults: {}\n")]
    [InlineData("models: ~  # none yet\n", "models:  # none yet\n  a:\n    path: a\n")]
    [InlineData("models: {}\n", "models:\n  a:\n    path: a\n")]
    public void UpsertCreatesOrFillsTheModelsSection(string text, string expected) =>
        Assert.Equal(expected, ManifestEditor.Upsert(text, "a", new JsonObject { ["path"] = "a" }).Text);

    [Fact]
    public void NewEntryFollowsTheFilesIndentationAndLineEndings()
    {
        var text = "models:\r\n    a:\r\n        path: a\r\n";

        var edit = ManifestEditor.Upsert(text, "b", new JsonObject { ["path"] = "b", ["tags"] = new JsonArray("x") });

        Assert.Equal(text + "    b:\r\n        path: b\r\n        tags:\r\n            - x\r\n", edit.Text);
    }

    [Fact]
    public void ByteOrderMarkStaysAndDoesNotShiftTheSplice()
    {
        var edit = ManifestEditor.Upsert("\uFEFFmodels:\n  a:\n    path: a\n", "a", new JsonObject { ["path"] = "b" });

        Assert.Equal("\uFEFFmodels:\n  a:\n    path: b\n", edit.Text);
        Assert.Equal("\uFEFFmodels:\n", ManifestEditor.Remove(edit.Text, "a").Text);
    }

    [Theory]
    [InlineData("models:\n  a: [unclosed\n", "not valid YAML")]
    [InlineData("models: {a: {path: a}}\n", "must be a block mapping")]
    [InlineData("models:\n  b:\n    path: b\n  b:\n    path: c\n", "defined more than once")]
    public void FilesTheEditorCannotSpliceAreLeftAlone(string text, string expected)
    {
        var edit = ManifestEditor.Upsert(text, "b", new JsonObject { ["path"] = "x" });

        Assert.Equal(ManifestEditOutcome.Invalid, edit.Outcome);
        Assert.Same(text, edit.Text);
        Assert.Contains(expected, Assert.Single(edit.Problems).Message);
    }

    [Fact]
    public void ReplacingAnEntryWithABlockScalarKeepsTheCommentAfterIt()
    {
        var text = "models:\n  a:\n    path: a\n    description: |\n      long\n      text\n\n  # about b\n  b:\n    path: b\n";

        var edit = ManifestEditor.Upsert(text, "a", new JsonObject { ["path"] = "a2" });

        Assert.Equal("models:\n  a:\n    path: a2\n\n  # about b\n  b:\n    path: b\n", edit.Text);
    }
}
