namespace Lamina.Runner.Backends;

/// <summary>One backend as this Runner found it: the program, its version, or why it cannot run.</summary>
public sealed record BackendStatus(string Name, string Description, bool Available, string? Path, string? Version, string? Reason);
