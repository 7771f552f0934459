namespace Lamina.Gateway.Telemetry;

/// <summary>One model request as measured: its model and backend, status, timings and tokens.</summary>
public sealed record RequestTally(string Model, string? Backend, string Api, int Status, TimeSpan Duration)
{
    public TimeSpan? FirstToken { get; init; }

    public long? InputTokens { get; init; }

    public long? OutputTokens { get; init; }

    /// <summary>Tokens after the first over the time after it; null when too few or too quick to say.</summary>
    public double? TokensPerSecond =>
        OutputTokens is > 1 and var tokens && FirstToken is { } first && Duration - first is { TotalSeconds: > 0 } rest ? (tokens - 1) / rest.TotalSeconds : null;
}
