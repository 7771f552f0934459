using YamlDotNet.Core;

namespace Lamina.Shared.Manifest;

/// <summary>Collects the problems of one file, each placed at a node of its YAML tree.</summary>
internal sealed class ProblemList(string file)
{
    private readonly List<ManifestProblem> _problems = [];

    public string File => file;

    public int Count => _problems.Count;

    public void Add(Mark at, string field, string message, string? model = null) =>
        _problems.Add(new ManifestProblem(file, (int)at.Line, (int)at.Column, field, message) { Model = model });

    public void Add(YamlNode at, string field, string message, string? model = null) =>
        _problems.Add(new ManifestProblem(file, at.Line, at.Column, field, message) { Model = model });

    public void AddToFile(string message) => _problems.Add(new ManifestProblem(file, 0, 0, "", message));

    /// <summary>The problems in file order; the checks run section by section, not line by line.</summary>
    public IReadOnlyList<ManifestProblem> Sorted() =>
        [.. _problems.OrderBy(p => p.Line).ThenBy(p => p.Column)];
}
