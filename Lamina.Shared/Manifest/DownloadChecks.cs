namespace Lamina.Shared.Manifest;

/// <summary>Checks a model's <c>download</c> section: where the Downloader fetches it from.</summary>
internal static class DownloadChecks
{
    public static void Check(YamlFields check, YamlNode? node, string field)
    {
        if (node is null or YamlScalar { IsNull: true })
        {
            return;
        }

        if (node is not YamlMapping mapping)
        {
            check.Report(node, field, "must be a mapping with 'huggingface' (repo_id, filename, revision) and/or 'ollama' (model)");
            return;
        }

        var sources = check.Entries(mapping, field);
        if (sources.TryGetValue("huggingface", out var huggingFace))
        {
            HuggingFace(check, huggingFace, field + ".huggingface");
        }

        if (sources.TryGetValue("ollama", out var ollama) && Fields(check, ollama, field + ".ollama", "model") is { } fields)
        {
            Required(check, fields, ollama.Key, field + ".ollama", "model", "the Ollama model name, like llama3.2:1b");
        }
    }

    private static void HuggingFace(YamlFields check, (YamlNode Key, YamlNode Value) source, string field)
    {
        if (Fields(check, source, field, "repo_id, filename and revision") is not { } fields)
        {
            return;
        }

        var repo = Required(check, fields, source.Key, field, "repo_id", "the Hugging Face repository as owner/name");
        if (repo is not null && repo.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
        {
            check.Report(fields["repo_id"].Value, field + ".repo_id", $"'{repo}' is not a Hugging Face repository; write it as owner/name, like bartowski/Llama-3.2-1B-Instruct-GGUF");
        }

        check.Text(fields.GetValueOrDefault("filename").Value, field + ".filename", "the file's name in the repository");
        check.Text(fields.GetValueOrDefault("revision").Value, field + ".revision", "a branch, tag or commit");
    }

    private static Dictionary<string, (YamlNode Key, YamlNode Value)>? Fields(YamlFields check, (YamlNode Key, YamlNode Value) source, string field, string expected)
    {
        if (source.Value is YamlMapping mapping)
        {
            return check.Entries(mapping, field);
        }

        check.Report(source.Value is YamlScalar { IsNull: true } ? source.Key : source.Value, field, $"must be a mapping with {expected}");
        return null;
    }

    private static string? Required(YamlFields check, Dictionary<string, (YamlNode Key, YamlNode Value)> fields, YamlNode parentKey, string field, string name, string meaning)
    {
        var text = check.Text(fields.GetValueOrDefault(name).Value, $"{field}.{name}", meaning);
        if (text is null && fields.GetValueOrDefault(name).Value is null or YamlScalar { IsNull: true })
        {
            check.Report(fields.TryGetValue(name, out var given) ? given.Key : parentKey, $"{field}.{name}", $"add '{name}': {meaning}");
        }

        return text;
    }
}
