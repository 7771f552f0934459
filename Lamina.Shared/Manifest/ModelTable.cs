namespace Lamina.Shared.Manifest;

/// <summary>
/// The <c>models</c> section, read entry by entry as the parser completes each: which names and
/// aliases the file uses, and which entries are valid once backends, names and aliases are
/// checked against each other.
/// </summary>
internal sealed class ModelTable(ProblemList problems)
{
    private readonly ModelEntryReader _reader = new(problems);
    private readonly List<(YamlScalar Key, ReadModel Read)> _read = [];
    private readonly Dictionary<string, YamlNode> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _claimedAliases = new(StringComparer.Ordinal);

    /// <summary>The mapping the entries came from; another one (reached through a YAML alias) is read anew.</summary>
    public YamlMapping? Section { get; private set; }

    /// <summary>Each entry read so far with its name's node, in file order, duplicates left out.</summary>
    public IReadOnlyList<(YamlScalar Key, ReadModel Read)> Read => _read;

    public Dictionary<string, ModelEntry> Valid { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> ValidAliases { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the file names this model or alias, valid or not.</summary>
    public bool InFile(string name) => _names.ContainsKey(name) || _claimedAliases.ContainsKey(name);

    public string? Resolve(string nameOrAlias) =>
        Valid.ContainsKey(nameOrAlias) ? nameOrAlias : ValidAliases.GetValueOrDefault(nameOrAlias);

    public void Add(YamlMapping section, YamlNode key, YamlNode value)
    {
        Section ??= section;
        if (key is not YamlScalar { Value: var name } scalar)
        {
            problems.Add(key, "models", "a model's name must be text, like my-model:");
        }
        else if (Claim(scalar))
        {
            _read.Add((scalar, _reader.Read(scalar, value)));
        }
    }

    /// <summary>Takes an entry as an earlier reading of the same text read it.</summary>
    public void Reuse(YamlMapping section, YamlScalar key, ReadModel read)
    {
        Section ??= section;
        if (Claim(key))
        {
            _read.Add((key, read));
        }
    }

    private bool Claim(YamlScalar key)
    {
        if (_names.TryAdd(key.Value, key))
        {
            return true;
        }

        problems.Add(key, "models." + key.Value, $"model '{key.Value}' is defined twice; rename or remove this one (the first one is served)", key.Value);
        return false;
    }

    /// <summary>Checks what needs the whole file (backends, aliases) and keeps the valid entries.</summary>
    public void Complete(IReadOnlySet<string> backends)
    {
        var choices = string.Join(", ", backends.Order(StringComparer.Ordinal));
        // Names first, then aliases in file order: which entry an alias clash leaves out does
        // not depend on which entries have other problems.
        foreach (var (_, (name, entry, aliases, backend)) in _read)
        {
            var clean = aliases.Aggregate(true, (clean, alias) => Claim(name, alias) && clean);
            if (backend is YamlScalar { IsNull: false, Value: var given } && !backends.Contains(given))
            {
                problems.Add(backend, $"models.{name}.backend", $"unknown backend '{given}'; use one of: {choices}", name);
                clean = false;
            }

            if (entry is not null && clean)
            {
                Valid[name] = entry;
                aliases.ForEach(alias => ValidAliases[alias.Alias] = name);
            }
        }
    }

    private bool Claim(string model, (YamlNode Node, string Alias, string Field) alias)
    {
        var clash = alias.Alias == model ? $"alias '{alias.Alias}' is this model's own name; remove it"
            : _names.ContainsKey(alias.Alias) ? $"alias '{alias.Alias}' is already the name of a model; remove it here or rename that model"
            : _claimedAliases.TryGetValue(alias.Alias, out var owner) ? (owner == model
                ? $"alias '{alias.Alias}' is listed twice; remove one"
                : $"alias '{alias.Alias}' is already an alias of '{owner}'; remove it from one of them")
            : null;
        if (clash is not null)
        {
            problems.Add(alias.Node, alias.Field, clash, model);
            return false;
        }

        _claimedAliases[alias.Alias] = model;
        return true;
    }
}
