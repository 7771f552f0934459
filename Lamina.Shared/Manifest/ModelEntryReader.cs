namespace Lamina.Shared.Manifest;

/// <summary>
/// One entry of <c>models</c> as read: its <see cref="ModelEntry"/> (null when it has a problem),
/// its aliases, which claim their names either way, and its backend, checked once the
/// <c>backends</c> section (which may come later in the file) is read too.
/// </summary>
internal sealed record ReadModel(string Name, ModelEntry? Entry, List<(YamlNode Node, string Alias, string Field)> Aliases, YamlNode? BackendNode);

/// <summary>
/// Checks one entry of <c>models</c> and builds its <see cref="ModelEntry"/>; an entry with any
/// problem gives none, so the rest of the catalog is served without it.
/// </summary>
internal sealed class ModelEntryReader(ProblemList problems)
{
    public ReadModel Read(YamlScalar key, YamlNode value)
    {
        var name = key.Value;
        var field = "models." + name;
        var before = problems.Count;
        var check = new YamlFields(problems, name);
        if (!ModelNames.IsValid(name))
        {
            check.Report(key, field, $"'{name}' cannot be a model name: names appear in URLs and folder names, so use lowercase letters, digits and . _ : - starting with a letter or digit, like '{ModelNames.Suggest(name)}'");
        }

        if (value is not YamlMapping mapping)
        {
            check.Report(value is YamlScalar { IsNull: true } ? key : value, field, "must be a mapping with at least 'path', like path: my-model/my-model.Q4_K_M.gguf");
            return new ReadModel(name, null, [], null);
        }

        var fields = check.Entries(mapping, field);
        YamlNode? Get(string property) => fields.TryGetValue(property, out var given) ? given.Value : null;
        var path = Path(check, Get("path"), key, field + ".path");
        var backend = check.Text(Get("backend"), field + ".backend", "one backend name, like llama.cpp") ?? ModelBackends.Auto;
        var aliases = Aliases(check, Get("aliases"), field + ".aliases");
        var entry = new ModelEntry(name, path, backend, [])
        {
            UseCases = check.TextList(Get("use_cases"), field + ".use_cases", "use cases, such as conversational, code or embeddings"),
            Tags = check.TextList(Get("tags"), field + ".tags", "tags"),
            Aliases = [.. aliases.Select(alias => alias.Alias)],
            ContextLength = check.Integer(Get("context_length"), field + ".context_length", 1, "a whole number of tokens of at least 1, like 8192"),
            Sha256 = Sha256(check, Get("sha256"), field + ".sha256"),
            Format = Format(check, Get("format"), field + ".format") ?? ModelFormats.Infer(name, path, backend),
            Args = check.TextList(Get("args"), field + ".args", "backend arguments"),
            GpuLayers = check.Integer(Get("gpu_layers"), field + ".gpu_layers", -1, "a whole number of layers to offload to the GPU: 0 for none, -1 for all"),
            KeepAlive = KeepAlive(check, Get("keep_alive"), field + ".keep_alive"),
            LoadTimeout = LoadTimeout(check, Get("load_timeout"), field + ".load_timeout"),
        };
        foreach (var text in (string[])["description", "size", "quantization"])
        {
            check.Text(Get(text), $"{field}.{text}", "text");
        }

        DownloadChecks.Check(check, Get("download"), field + ".download");
        OllamaLayers(check, Get("ollama_layers"), field + ".ollama_layers");
        var valid = problems.Count == before ? entry with { Raw = YamlJson.ToJson(mapping) } : null;
        return new ReadModel(name, valid, aliases, Get("backend") as YamlScalar);
    }

    private static string? Path(YamlFields check, YamlNode? node, YamlScalar key, string field)
    {
        if (node is null or YamlScalar { IsNull: true })
        {
            check.Report(key, field, "add 'path': the model's file or folder, relative to the models folder or absolute");
            return null;
        }

        var path = check.Text(node, field, "text: the model's file or folder, relative to the models folder or absolute");
        if (path is not null && ManifestPaths.Problem(path) is { } problem)
        {
            check.Report(node, field, problem);
        }

        return path;
    }

    /// <summary>The Ollama layers a pull kept beside the model: each kind's file, which Ollama's show reads and a delete removes.</summary>
    private static void OllamaLayers(YamlFields check, YamlNode? node, string field)
    {
        if (node is null or YamlScalar { IsNull: true })
        {
            return;
        }

        if (node is not YamlMapping mapping)
        {
            check.Report(node, field, "must be a mapping of each kept Ollama layer to its file, like template: llama3.2/template");
            return;
        }

        foreach (var (kind, (_, value)) in check.Entries(mapping, field))
        {
            var layer = check.Text(value, $"{field}.{kind}", "the layer's file, relative to the models folder");
            if (layer is not null && ManifestPaths.Problem(layer) is { } problem)
            {
                check.Report(value, $"{field}.{kind}", problem);
            }
        }
    }

    private static List<(YamlNode Node, string Alias, string Field)> Aliases(YamlFields check, YamlNode? node, string field)
    {
        check.TextList(node, field, "other names for this model");
        var aliases = new List<(YamlNode, string, string)>();
        var items = node is YamlSequence sequence ? sequence.Items : [];
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not YamlScalar { IsNull: false, Value: var alias })
            {
                continue;
            }

            if (!ModelNames.IsValid(alias))
            {
                check.Report(items[i], $"{field}[{i}]", $"'{alias}' cannot be an alias: aliases are names, so use lowercase letters, digits and . _ : - starting with a letter or digit, like '{ModelNames.Suggest(alias)}'");
            }

            aliases.Add((items[i], alias, $"{field}[{i}]"));
        }

        return aliases;
    }

    private static string? Sha256(YamlFields check, YamlNode? node, string field)
    {
        var text = check.Text(node, field, "64 hexadecimal characters");
        if (text is null || (text.Length == 64 && text.All(char.IsAsciiHexDigit)))
        {
            return text?.ToLowerInvariant();
        }

        check.Report(node!, field, $"must be the file's SHA-256 as 64 hexadecimal characters; got '{text}' ({text.Length} characters)");
        return null;
    }

    private static string? Format(YamlFields check, YamlNode? node, string field)
    {
        var format = check.Text(node, field, "gguf, safetensors or mlc");
        if (format is null || ModelFormats.All.Contains(format))
        {
            return format;
        }

        check.Report(node!, field, $"unknown format '{format}'; use one of: {string.Join(", ", ModelFormats.All)}, or leave it out to infer it from the path");
        return null;
    }

    private static TimeSpan? KeepAlive(YamlFields check, YamlNode? node, string field)
    {
        var text = check.Text(node, field, "a duration");
        if (text is null)
        {
            return null;
        }

        if (KeepAliveDuration.TryParse(text, out var duration))
        {
            return duration;
        }

        check.Report(node!, field, $"'{text}' is not a duration; write seconds (300), a duration like 30s, 5m or 1h, 0 to unload at once, or -1 to keep the model loaded");
        return null;
    }

    private static TimeSpan? LoadTimeout(YamlFields check, YamlNode? node, string field)
    {
        var text = check.Text(node, field, "a duration");
        if (text is null)
        {
            return null;
        }

        if (KeepAliveDuration.TryParse(text, out var duration) && duration > TimeSpan.Zero)
        {
            return duration;
        }

        check.Report(node!, field, $"'{text}' is not a positive duration; write seconds (600) or a duration like 90s, 10m or 1h");
        return null;
    }
}
