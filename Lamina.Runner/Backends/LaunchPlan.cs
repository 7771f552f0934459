namespace Lamina.Runner.Backends;

/// <summary>How to start one backend for one model: the program, its arguments, and what it is.</summary>
public sealed record LaunchPlan(string Backend, string FileName, IReadOnlyList<string> Arguments, string? Note = null);
