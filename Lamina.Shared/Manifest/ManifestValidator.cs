using System.Text.Json.Nodes;

namespace Lamina.Shared.Manifest;

/// <summary>
/// Checks a whole manifest and builds the catalog of its valid models: every problem is
/// reported, an entry with one is left out, and the rest is served.
/// </summary>
internal static class ManifestValidator
{
    // Past this many models a list of them in a message would bury the message.
    private const int ModelsListedInMessages = 12;

    private static readonly string[] _sections = ["models", "categories", "backends", "defaults"];

    /// <summary>The manifest of the tree; <paramref name="table"/> may hold the models already read while parsing.</summary>
    public static (ModelManifest Manifest, bool Unreadable) Validate(YamlNode? root, ProblemList problems, ModelTable table)
    {
        if (root is null or YamlScalar { IsNull: true })
        {
            return (ModelManifest.Empty, false);
        }

        if (root is not YamlMapping top)
        {
            problems.Add(root, "", "the top level must be a mapping with 'models', 'categories', 'backends' and 'defaults'");
            return (ModelManifest.Empty, true);
        }

        var check = new YamlFields(problems, null);
        var sections = check.Entries(top, "");
        Misspelled(check, sections);
        YamlNode? Section(string name) => sections.TryGetValue(name, out var entry) && entry.Value is not YamlScalar { IsNull: true } ? entry.Value : null;
        if (Section("models") is { } models and not YamlMapping)
        {
            problems.Add(models, "models", "must be a mapping of each model's name to its settings (path, backend, ...)");
            return (ModelManifest.Empty, true);
        }

        if (Section("models") is YamlMapping section && section != table.Section)
        {
            section.Entries.ForEach(entry => table.Add(section, entry.Key, entry.Value));
        }

        var (backends, declared) = Backends(check, Section("backends"));
        table.Complete(declared);
        var manifest = new ModelManifest(
            table.Valid,
            Categories(check, table, Section("categories")),
            backends,
            Defaults(check, table, Section("defaults")))
        {
            Aliases = table.ValidAliases,
        };
        return (manifest, false);
    }

    // Other top-level keys are left alone for other tools, unless they look like a section misspelled.
    private static void Misspelled(YamlFields check, Dictionary<string, (YamlNode Key, YamlNode Value)> sections)
    {
        foreach (var (name, (key, _)) in sections)
        {
            if (!_sections.Contains(name) && _sections.FirstOrDefault(section => Spelling.IsNear(name, section, 2)) is { } meant)
            {
                check.Report(key, name, $"unknown section '{name}'; did you mean '{meant}'?");
            }
        }
    }

    private static (Dictionary<string, JsonObject> Backends, HashSet<string> Known) Backends(YamlFields check, YamlNode? node)
    {
        var backends = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var known = new HashSet<string>(ModelBackends.BuiltIn, StringComparer.Ordinal);
        if (Mapping(check, node, "backends", "each backend's name to its settings (executable, description, default_args)") is not { } mapping)
        {
            return (backends, known);
        }

        foreach (var (name, (_, value)) in check.Entries(mapping, "backends"))
        {
            // A backend declared wrongly still counts as declared: its models' problem is the declaration.
            known.Add(name);
            var field = "backends." + name;
            if (Mapping(check, value, field, "executable, description and default_args") is not { } settings)
            {
                backends[name] = [];
                continue;
            }

            var fields = check.Entries(settings, field);
            check.Text(fields.GetValueOrDefault("executable").Value, field + ".executable", "the program to run, a name on PATH or a path");
            check.Text(fields.GetValueOrDefault("description").Value, field + ".description", "text");
            check.TextList(fields.GetValueOrDefault("default_args").Value, field + ".default_args", "arguments");
            backends[name] = YamlJson.ToJson(settings);
        }

        return (backends, known);
    }

    private static Dictionary<string, IReadOnlyList<string>> Categories(YamlFields check, ModelTable table, YamlNode? node)
    {
        var categories = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (Mapping(check, node, "categories", "each category's name to a list of model names") is not { } mapping)
        {
            return categories;
        }

        foreach (var (category, (_, value)) in check.Entries(mapping, "categories"))
        {
            var field = "categories." + category;
            var names = new List<string>();
            if (value is YamlSequence sequence)
            {
                // A model named twice (by name and by alias, say) is listed once.
                var listed = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    if (Resolve(check, table, sequence.Items[i], $"{field}[{i}]") is { } name && listed.Add(name))
                    {
                        names.Add(name);
                    }
                }
            }
            else if (value is not YamlScalar { IsNull: true })
            {
                check.Report(value, field, $"must be a list of model names, like [{table.Valid.Keys.FirstOrDefault() ?? "my-model"}], not {YamlFields.Describe(value)}");
            }

            categories[category] = names;
        }

        return categories;
    }

    private static Dictionary<string, string> Defaults(YamlFields check, ModelTable table, YamlNode? node)
    {
        var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Mapping(check, node, "defaults", "each use case to one model name") is { } mapping)
        {
            foreach (var (useCase, (_, value)) in check.Entries(mapping, "defaults"))
            {
                if (Resolve(check, table, value, "defaults." + useCase) is { } name)
                {
                    defaults[useCase] = name;
                }
            }
        }

        return defaults;
    }

    /// <summary>The model a category or default names, by name or alias; null when it names none that is served.</summary>
    private static string? Resolve(YamlFields check, ModelTable table, YamlNode node, string field)
    {
        if (node is YamlScalar { IsNull: true })
        {
            check.Report(node, field, "is empty; write a model name or remove it");
            return null;
        }

        if (check.Text(node, field, "one model name") is not { } name)
        {
            return null;
        }

        if (table.Resolve(name) is { } model)
        {
            return model;
        }

        // A model that is in the file but left out has its own problem; naming it is not another one.
        if (!table.InFile(name))
        {
            var known = table.Valid.Count is > 0 and <= ModelsListedInMessages
                ? $"add it under models, or use one of: {string.Join(", ", table.Valid.Keys.Order(StringComparer.Ordinal))}"
                : "add it under models, or remove it here";
            check.Report(node, field, $"unknown model '{name}'; {known}");
        }

        return null;
    }

    private static YamlMapping? Mapping(YamlFields check, YamlNode? node, string field, string contents)
    {
        if (node is null or YamlScalar { IsNull: true } or YamlMapping)
        {
            return node as YamlMapping;
        }

        check.Report(node, field, $"must be a mapping of {contents}, not {YamlFields.Describe(node)}");
        return null;
    }
}
