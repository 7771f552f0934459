using Lamina.Shared.Manifest;

namespace Lamina.Manifest.Tests;

public sealed class ManifestValidationTests
{
    [Fact]
    public void EveryProblemIsReportedAtOnceWithItsPlaceAndTheValidModelsAreServed()
    {
        var result = Manifests.Load("""
            models:
              qwen:
                path: qwen.gguf
                backend: llamacpp
              Qwen 7B:
                path: q.gguf
              escaper:
                path: a/../../x.gguf
              absolute:
                path: /srv/models/absolute.gguf
              wrong-types:
                path: [a]
                context_length: -5
                sha256: abc
                keep_alive: forever
                format: ggml
                gpu_layers: lots
              qwen:
                path: again.gguf
              good:
                path: good.gguf
                aliases: [absolute, g]
              other:
                path: other.gguf
                aliases: [g]
            categories:
              chat: [absolute, nope]
            defaults:
              chat: missing
            """);

        Assert.Equal(
            [
                "models.yaml:4:14: models.qwen.backend: unknown backend 'llamacpp'; use one of: auto, embedded, llama.cpp, mlc, vllm",
                "models.yaml:5:3: models.Qwen 7B: 'Qwen 7B' cannot be a model name: names appear in URLs and folder names, so use lowercase letters, digits and . _ : - starting with a letter or digit, like 'qwen-7b'",
                "models.yaml:8:11: models.escaper.path: 'a/../../x.gguf' leaves the models folder; write a path inside it, or an absolute path",
                "models.yaml:12:11: models.wrong-types.path: must be text: the model's file or folder, relative to the models folder or absolute, not a list",
                "models.yaml:13:21: models.wrong-types.context_length: must be a whole number of tokens of at least 1, like 8192; got '-5'",
                "models.yaml:14:13: models.wrong-types.sha256: must be the file's SHA-256 as 64 hexadecimal characters; got 'abc' (3 characters)",
                "models.yaml:15:17: models.wrong-types.keep_alive: 'forever' is not a duration; write seconds (300), a duration like 30s, 5m or 1h, 0 to unload at once, or -1 to keep the model loaded",
                "models.yaml:16:13: models.wrong-types.format: unknown format 'ggml'; use one of: gguf, safetensors, mlc, or leave it out to infer it from the path",
                "models.yaml:17:17: models.wrong-types.gpu_layers: must be a whole number of layers to offload to the GPU: 0 for none, -1 for all; got 'lots'",
                "models.yaml:18:3: models.qwen: model 'qwen' is defined twice; rename or remove this one (the first one is served)",
                "models.yaml:22:15: models.good.aliases[0]: alias 'absolute' is already the name of a model; remove it here or rename that model",
                "models.yaml:25:15: models.other.aliases[0]: alias 'g' is already an alias of 'good'; remove it from one of them",
                "models.yaml:27:20: categories.chat[1]: unknown model 'nope'; add it under models, or use one of: absolute",
                "models.yaml:29:9: defaults.chat: unknown model 'missing'; add it under models, or use one of: absolute",
            ],
            result.Problems.Select(p => p.ToString()));
        Assert.False(result.Unreadable);
        Assert.Equal(["absolute"], result.Manifest.Models.Keys);
        Assert.Equal(["absolute"], result.Manifest.Categories["chat"]);
    }

    [Fact]
    public void ProblemCarriesFileLineColumnFieldAndTheModelItLeavesOut()
    {
        var problem = Assert.Single(Manifests.Load("models:\n  qwen:\n    path: q.gguf\n    backend: llamacpp\n").Problems);

        Assert.Equal(("models.yaml", 4, 14, "models.qwen.backend", "qwen"), (problem.File, problem.Line, problem.Column, problem.Field, problem.Model));
    }

    [Fact]
    public void DeclaredBackendsAreKnownBackends()
    {
        var result = Manifests.Load("models:\n  a:\n    path: a\n    backend: ollama\n  b:\n    path: b\n    backend: tgi\nbackends:\n  ollama:\n    executable: ollama\n");

        Assert.Equal(["a"], result.Manifest.Models.Keys);
        Assert.Equal("models.yaml:7:14: models.b.backend: unknown backend 'tgi'; use one of: auto, embedded, llama.cpp, mlc, ollama, vllm",
            Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void DuplicateKeysAnywhereAreReportedAtTheRepeat()
    {
        var problems = Manifests.Problems("models:\n  a:\n    path: a.gguf\n    path: b.gguf\ndefaults:\n  chat: a\n  chat: a\n");

        Assert.Equal(
            [
                "models.yaml:4:5: models.a.path: 'path' is given twice in this mapping; keep one",
                "models.yaml:7:3: defaults.chat: 'chat' is given twice in this mapping; keep one",
            ],
            problems);
    }

    [Fact]
    public void ReferenceToAModelLeftOutForItsOwnProblemIsNotAnotherProblem()
    {
        var result = Manifests.Load("models:\n  a:\n    backend: vllm\ncategories:\n  chat: [a]\ndefaults:\n  chat: a\n");

        Assert.Equal("models.yaml:2:3: models.a.path: add 'path': the model's file or folder, relative to the models folder or absolute",
            Assert.Single(result.Problems).ToString());
        Assert.Empty(result.Manifest.Categories["chat"]);
        Assert.Empty(result.Manifest.Defaults);
    }

    [Theory]
    [InlineData("models:\n  - a\n", "models.yaml:2:3: models: must be a mapping of each model's name to its settings (path, backend, ...)")]
    [InlineData("just text\n", "models.yaml:1:1: the top level must be a mapping with 'models', 'categories', 'backends' and 'defaults'")]
    public void UnusableStructureIsUnreadable(string yaml, string expected)
    {
        var result = Manifests.Load(yaml);

        Assert.True(result.Unreadable);
        Assert.Equal(expected, Assert.Single(result.Problems).ToString());
    }

    [Theory]
    [InlineData("a/b.gguf")]
    [InlineData("./a/../b.gguf")]
    [InlineData("/srv/models/x.gguf")]
    [InlineData("C:\\\\models\\\\x.gguf")]
    [InlineData("folder")]
    public void PathsInsideTheModelsFolderOrAbsoluteAreAccepted(string path) =>
        Assert.Empty(Manifests.Problems($"models:\n  a:\n    path: \"{path}\"\n"));

    [Theory]
    [InlineData("../x.gguf", "'../x.gguf' leaves the models folder")]
    [InlineData("a/../../x.gguf", "'a/../../x.gguf' leaves the models folder")]
    [InlineData("a\\\\..\\\\..\\\\x", "leaves the models folder")]
    [InlineData(".", "'.' is the models folder itself")]
    [InlineData("", "is empty")]
    public void PathsLeavingTheModelsFolderAreRefused(string path, string expected) =>
        Assert.Contains(expected, Assert.Single(Manifests.Problems($"models:\n  a:\n    path: \"{path}\"\n")));

    [Theory]
    [InlineData("llama3.2:1b")]
    [InlineData("qwen2.5-7b-q4_k_m")]
    [InlineData("0")]
    public void UrlAndFileSafeNamesAreAccepted(string name) =>
        Assert.Empty(Manifests.Problems($"models:\n  \"{name}\":\n    path: a\n"));

    [Theory]
    [InlineData("Qwen")]
    [InlineData("-qwen")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("a?b")]
    public void NamesUnsafeInUrlsOrFilesAreRefused(string name) =>
        Assert.Contains("cannot be a model name", Assert.Single(Manifests.Problems($"models:\n  \"{name}\":\n    path: a\n")));

    [Fact]
    public void ListsAndDownloadsOfTheWrongShapeAreNamed()
    {
        var problems = Manifests.Problems("""
            models:
              a:
                path: a.gguf
                tags: chat
                use_cases: [chat, ~]
                args: [-c, {x: 1}]
                download:
                  huggingface:
                    repo_id: not-a-repo
                  ollama: {}
            """);

        Assert.Equal(
            [
                "models.yaml:4:11: models.a.tags: must be a list of tags, like [a, b], not 'chat'",
                "models.yaml:5:23: models.a.use_cases[1]: is empty; write a value or remove the item",
                "models.yaml:6:16: models.a.args[1]: must be text, not a mapping",
                "models.yaml:9:18: models.a.download.huggingface.repo_id: 'not-a-repo' is not a Hugging Face repository; write it as owner/name, like bartowski/Llama-3.2-1B-Instruct-GGUF",
                "models.yaml:10:7: models.a.download.ollama.model: add 'model': the Ollama model name, like llama3.2:1b",
            ],
            problems);
    }

    [Fact]
    public void QuotedNumberIsNotAContextLength() =>
        Assert.Equal("models.yaml:4:21: models.a.context_length: must be a whole number of tokens of at least 1, like 8192; got \"4096\" (quoted text)",
            Assert.Single(Manifests.Problems("models:\n  a:\n    path: a\n    context_length: \"4096\"\n")));

    [Fact]
    public void MisspelledSectionIsNamedAndOtherTopLevelKeysAreLeftAlone() =>
        Assert.Equal(
            [
                "models.yaml:1:1: model: unknown section 'model'; did you mean 'models'?",
                "models.yaml:5:1: Default: unknown section 'Default'; did you mean 'defaults'?",
            ],
            Manifests.Problems("model:\n  a:\n    path: a\nversion: 2\nDefault: {}\nlamina_llm_serve: {}\n"));

    [Fact]
    public void SecondDocumentIsReportedAndIgnored()
    {
        var result = Manifests.Load("models:\n  a:\n    path: a\n---\nmodels:\n  b:\n    path: b\n");

        Assert.Equal(["a"], result.Manifest.Models.Keys);
        Assert.StartsWith("models.yaml:4:1: only the first YAML document is read", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void AnchorsAndAliasesOfYamlAreFollowed()
    {
        var result = Manifests.Load("models:\n  a:\n    path: a.gguf\n    args: &common [-c, 4096]\n  b:\n    path: b.gguf\n    args: *common\n    tags: *nowhere\n");

        Assert.Equal(["-c", "4096"], result.Manifest.Models["a"].Args);
        Assert.StartsWith("models.yaml:8:11: models.b.tags: '*nowhere' refers to no anchor before it", Assert.Single(result.Problems).ToString());
    }
}
