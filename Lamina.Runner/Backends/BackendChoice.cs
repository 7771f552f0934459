namespace Lamina.Runner.Backends;

/// <summary>The backend that serves a model and its program; <paramref name="Prefix"/> comes before the arguments (<c>exec engine.dll</c>).</summary>
public sealed record BackendChoice(string Backend, string FileName, IReadOnlyList<string> Prefix, string? Note = null);
