namespace Lamina.Runner.Backends;

/// <summary>How to start one backend for one model: the program, its arguments and environment, and how to tell it is ready.</summary>
public sealed record LaunchPlan(string Backend, string FileName, IReadOnlyList<string> Arguments, string? Note = null)
{
    /// <summary>Variables set (or, when null, removed) for the backend over what it inherits.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>The path that returns 200 once the model is loaded: <c>/health</c>, or <c>/v1/models</c> for MLC.</summary>
    public string ReadinessPath { get; init; } = "/health";

    /// <summary>The model id requests must carry; MLC only answers to the model string of its command line.</summary>
    public string? ServedModel { get; init; }

    /// <summary>The context the backend was started with, when Lamina chose one.</summary>
    public int? ContextLength { get; init; }
}
