using System.Text.Json.Nodes;

namespace Lamina.Shared.Manifest;

/// <summary>
/// Edits <c>models.yaml</c> for the Registry's write API: one model entry is added, replaced or
/// removed, and every other byte (comments, order, formatting) stays as it was. The result is
/// validated before it is returned; writing it (atomically) is the caller's job.
/// </summary>
public static class ManifestEditor
{
    /// <summary>Adds the model at the end of <c>models</c> (creating the section if needed), or replaces its entry in place.</summary>
    /// <param name="source">Names the file in problems.</param>
    public static ManifestEdit Upsert(string text, string name, JsonObject entry, string source = "models.yaml")
    {
        var (section, problems) = ModelsSection.Open(text, source);
        if (section is null)
        {
            return new ManifestEdit(ManifestEditOutcome.Invalid, text, problems);
        }

        var existing = section.Entries(name);
        if (existing.Count > 1)
        {
            return Duplicated(text, name, source, existing);
        }

        var outcome = existing.Count == 1 ? ManifestEditOutcome.Replaced : ManifestEditOutcome.Added;
        return Checked(text, section.Upsert(name, entry), name, outcome, source);
    }

    /// <summary>Removes the model's entry; categories or defaults still naming it make the edit invalid.</summary>
    public static ManifestEdit Remove(string text, string name, string source = "models.yaml")
    {
        var (section, problems) = ModelsSection.Open(text, source);
        if (section is null)
        {
            return new ManifestEdit(ManifestEditOutcome.Invalid, text, problems);
        }

        return section.Entries(name) switch
        {
            [] => new ManifestEdit(ManifestEditOutcome.NotFound, text, []),
            [var entry] => Checked(text, section.Remove(entry), name, ManifestEditOutcome.Removed, source),
            var entries => Duplicated(text, name, source, entries),
        };
    }

    /// <summary>
    /// The edit when it brings no new problem: none about the edited model, none elsewhere that
    /// the file did not already have (an edit need not fix what it does not touch).
    /// </summary>
    private static ManifestEdit Checked(string text, string edited, string name, ManifestEditOutcome outcome, string source)
    {
        var before = ManifestReader.Load(new StringReader(text), source);
        var after = ManifestReader.Load(new StringReader(edited), source);
        var known = before.Problems.Where(p => p.Model != name).CountBy(Identity).ToDictionary();
        var added = new List<ManifestProblem>();
        foreach (var problem in after.Problems)
        {
            if (problem.Model != name && known.GetValueOrDefault(Identity(problem)) is > 0 and var count)
            {
                known[Identity(problem)] = count - 1;
                continue;
            }

            added.Add(problem);
        }

        return added.Count == 0 && after.Manifest.Models.ContainsKey(name) == (outcome != ManifestEditOutcome.Removed)
            ? new ManifestEdit(outcome, edited, [])
            : new ManifestEdit(ManifestEditOutcome.Invalid, text, added);
    }

    // Positions move with an edit; what a problem is about and says does not.
    private static (string? Model, string Field, string Message) Identity(ManifestProblem problem) => (problem.Model, problem.Field, problem.Message);

    private static ManifestEdit Duplicated(string text, string name, string source, List<KeyValuePair<YamlNode, YamlNode>> entries)
    {
        var problems = new ProblemList(source);
        foreach (var (key, _) in entries.Skip(1))
        {
            problems.Add(key, "models." + name, $"model '{name}' is defined more than once; remove the extra entries by hand before editing it", name);
        }

        return new ManifestEdit(ManifestEditOutcome.Invalid, text, problems.Sorted());
    }
}
