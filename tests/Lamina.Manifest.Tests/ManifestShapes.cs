using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Lamina.Shared.Manifest;

namespace Lamina.Manifest.Tests;

/// <summary>
/// Clean manifests of many shapes made from a seed: entries with every kind of field (scalars in
/// each quoting style, block scalars, lists and mappings in flow and block style, download
/// sources, backend arguments, a list of mappings), comments and blank lines anywhere YAML allows
/// them, sections in any order, and entries Lamina writes itself (through <see cref="ManifestEditor"/>).
/// </summary>
internal sealed class ManifestShapes(Random random)
{
    private static readonly string[] Backends = ["llama.cpp", "auto", "embedded", "custom"];
    private static readonly string[] Words = ["chat", "code", "small", "fast", "q4", "7b", "multi lingual", "it's", "a: b", "#not-a-comment", "x\ty"];

    /// <summary>A manifest with the given number of models, every one of them valid.</summary>
    public string Manifest(int models)
    {
        var names = Enumerable.Range(0, models).Select(i => $"m{i}-{Pick("gguf", "q4_k_m", "x", "7b")}").ToList();
        var text = new StringBuilder();
        if (Chance(2))
        {
            text.Append("# yaml-language-server: $schema=./models.schema.json\n# A generated catalog\n");
        }

        var handWritten = names.Take(models - models / 4).ToList();
        var sections = new List<string> { Section("categories", handWritten), Section("backends", handWritten), Section("defaults", handWritten) }
            .OrderBy(_ => random.Next()).Where(section => section.StartsWith("backends", StringComparison.Ordinal) || !Chance(4)).ToList();
        sections.Insert(random.Next(sections.Count + 1), Models(handWritten));
        text.AppendJoin(Pick("", "\n", "\n# next section\n"), sections);
        var manifest = text.ToString();

        // The last quarter as the Registry's write API adds them (models pulled or downloaded).
        foreach (var name in names.Skip(models - models / 4))
        {
            var written = ManifestEditor.Upsert(manifest, name, Written(name));
            manifest = written.Succeeded ? written.Text : throw new InvalidOperationException($"writing {name} failed: {string.Join("; ", written.Problems)}\n{manifest}");
        }

        return manifest;
    }

    /// <summary>An entry as Lamina writes one after a pull or a download, with text that needs quoting now and then.</summary>
    public JsonObject Written(string name)
    {
        var entry = new JsonObject
        {
            ["path"] = $"{name}/{name.Replace(':', '-')}.gguf",
            ["backend"] = "auto",
            ["format"] = "gguf",
            ["description"] = Pick("Downloaded from ollama", "Downloaded from huggingface", "pulled: \"quoted\" # text", "line one\nline two"),
            ["download"] = Chance(2)
                ? new JsonObject { ["ollama"] = new JsonObject { ["model"] = Pick("llama3.2", "qwen2.5:0.5b", "library/smollm:135m") } }
                : new JsonObject { ["huggingface"] = new JsonObject { ["repo_id"] = "owner/repo-GGUF", ["filename"] = "model-Q4_K_M.gguf", ["revision"] = "main" } },
        };
        if (Chance(2))
        {
            entry["ollama_layers"] = new JsonObject { ["template"] = $"{name}/template", ["params"] = $"{name}/params.json", ["system"] = $"{name}/system" };
        }

        if (Chance(3))
        {
            entry["sha256"] = Hex();
            entry["tags"] = new JsonArray("pulled", "1.5", "yes");
        }

        return entry;
    }

    private string Models(List<string> names)
    {
        var text = new StringBuilder("models:").Append(Chance(4) ? "  # the models\n" : "\n");
        foreach (var name in names)
        {
            text.Append(Chance(4) ? "  # " + Pick(Words) + "\n" : "").Append(Entry(name)).Append(Pick("", "", "\n", "\n\n", "  # after\n"));
        }

        return text.ToString();
    }

    private string Entry(string name)
    {
        var text = new StringBuilder("  ").Append(Chance(6) ? $"\"{name}\"" : name).Append(":\n");
        var fields = new List<string>
        {
            $"path: {Text(name + "/" + name + ".gguf")}",
            $"backend: {Pick(Backends)}",
            $"size: \"{(random.Next(1, 90) / 10.0).ToString("0.0", CultureInfo.InvariantCulture)}GB\"",
            $"description: {Description()}",
            $"quantization: {Pick("Q4_K_M", "F16", "'Q8_0'")}",
            $"format: {Pick("gguf", "\"gguf\"")}",
            $"context_length: {Pick("2048", "8192", "131072")}",
            $"use_cases: {List("conversational", "code", "embeddings")}",
            $"tags: {List(Pick(Words), "meta", "1b", "true")}",
            $"sha256: {Hex()}",
            $"aliases: [{name}-alias]",
            $"args: {List("--ctx-size", "8192", "-ngl=99")}",
            $"gpu_layers: {Pick("0", "-1", "33")}",
            $"keep_alive: {Pick("5m", "300", "-1", "\"1h\"")}",
            $"load_timeout: {Pick("90s", "600")}",
            $"download: {Download()}",
            $"extra: {ListOfMappings()}",
        };
        foreach (var field in fields.Skip(1).Where(_ => Chance(2)).Prepend(fields[0]).OrderBy(_ => random.Next()))
        {
            text.Append(Chance(8) ? "    # " + Pick(Words) + "\n" : "").Append("    ").Append(field).Append(Chance(8) ? "  # trailing\n" : "\n");
        }

        return text.ToString();
    }

    private string Description() => random.Next(7) switch
    {
        0 => Pick(Words).Replace("a: b", "a b", StringComparison.Ordinal).Replace("#", "", StringComparison.Ordinal),
        1 => $"\"{Pick(Words)} with \\\"escapes\\\" \\u00e9\"",
        2 => $"'{Pick(Words).Replace("'", "''", StringComparison.Ordinal)}'",
        3 => "|\n      first line\n\n      second: line # not a comment\n",
        4 => ">-\n      folded\n      text\n",
        5 => "|+\n      kept\n",
        _ => "plain text\n      that goes on",
    };

    private string List(params string[] items) => random.Next(3) switch
    {
        0 => $"[{string.Join(", ", items.Select(item => Text(item, inFlow: true)))}]",
        1 => Pick("      ", "    ") is var indent ? string.Concat(items.Select(item => $"\n{indent}- {Text(item)}")) : "",
        _ => "[]",
    };

    private string Download() => random.Next(3) switch
    {
        0 => "\n      huggingface:\n        repo_id: owner/name-GGUF\n        filename: \"name Q4.gguf\"\n      ollama:\n        model: llama3.2:1b",
        1 => "\n      huggingface: {repo_id: owner/name, filename: name.gguf, revision: main}",
        _ => "{ollama: {model: 'qwen2.5:7b'}}",
    };

    private string ListOfMappings() => Chance(2)
        ? "\n      - name: first\n        size: 1\n      - {name: second, sizes: [1, 2]}"
        : "[{a: 1}, {b: [x, \"y z\"]}]";

    private string Section(string name, List<string> models) => name switch
    {
        "categories" => $"categories:\n  chat: [{string.Join(", ", models.Take(2))}]\n  everything:\n{string.Concat(models.Select(model => $"    - {model}\n"))}",
        "backends" => "backends:\n  custom:\n    executable: custom-server\n    description: \"a backend of one's own\"\n    default_args: [--verbose]\n",
        _ => $"defaults:\n  chat: {models[0]}\n",
    };

    private string Text(string text, bool inFlow = false) => random.Next(3) switch
    {
        0 => $"\"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal)}\"",
        1 => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'",
        _ => YamlText(text, inFlow),
    };

    // Plain when YAML reads it back as the same text, else double-quoted, as Lamina writes text.
    private static string YamlText(string text, bool inFlow)
    {
        var entry = ManifestEditor.Upsert("", "x", new JsonObject { ["path"] = "p", ["v"] = inFlow ? new JsonArray(text) : text }).Text;
        var value = entry[(entry.IndexOf("v:", StringComparison.Ordinal) + 2)..].Trim();
        return inFlow ? value.TrimStart('-').Trim() : value;
    }

    private string Hex() => Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())).PadRight(64, 'a');

    private string Pick(params string[] choices) => choices[random.Next(choices.Length)];

    private bool Chance(int oneIn) => random.Next(oneIn) == 0;

    /// <summary>A random edit of the text: a character, a line, or a piece of YAML syntax put somewhere.</summary>
    public string Edit(string text)
    {
        var at = random.Next(text.Length);
        var line = at == 0 ? 0 : text.LastIndexOf('\n', at - 1) + 1;
        var lineEnd = text.IndexOf('\n', at) is var newline and >= 0 ? newline + 1 : text.Length;
        return random.Next(9) switch
        {
            0 => text.Insert(at, Pick(":", "-", "[", "]", "{", "}", "#", "\"", "'", " ", "\n", "\t", "&", "*", "|", ">", ",", "a", "0", ".")),
            1 => text.Remove(at, Math.Min(random.Next(1, 40), text.Length - at)),
            2 => text.Insert(line, text[line..lineEnd]),
            3 => text.Remove(line, lineEnd - line),
            4 => text.Insert(line, Pick(":\n", "...\n", "---\n", "\n", "      # indented comment\n", "      more text\n", "  ", "    - item\n", "  new-model:\n    path: new.gguf\n")),
            5 => text.Insert(at, Pick("x", "\n  ", ": ", " #", "\\")),
            6 => text.Remove(line, Math.Min(2, lineEnd - line)),
            7 => text.Insert(lineEnd, Pick("    keep_alive: 5m\n", "    tags: [a\n", "  # note\n", "\n")),
            _ => text.Replace(Pick("path:", "backend:", "ollama:", "- ", "[", "|"), Pick("path :", "backend: \n", "olama:", "-  ", "[ ", "|-"), StringComparison.Ordinal),
        };
    }
}
