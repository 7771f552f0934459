using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Lamina.Gateway.Telemetry;

/// <summary>
/// What each model request cost, as OpenTelemetry instruments of the meter <c>Lamina.Gateway</c>
/// (the Aspire dashboard shows them).
/// </summary>
public sealed class GatewayMetrics
{
    public const string Name = "Lamina.Gateway";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _firstToken;
    private readonly Counter<long> _tokensIn;
    private readonly Counter<long> _tokensOut;
    private readonly Histogram<double> _tokensPerSecond;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _requests = meter.CreateCounter<long>("lamina.gateway.requests", "{request}", "Model requests responded to, by model, backend, API and status.");
        _duration = meter.CreateHistogram<double>("lamina.gateway.request.duration", "s", "From a model request's arrival to the end of its response.");
        _firstToken = meter.CreateHistogram<double>("lamina.gateway.time_to_first_token", "s", "From a model request's arrival to the first byte of its response (a model start included).");
        _tokensIn = meter.CreateCounter<long>("lamina.gateway.tokens.input", "{token}", "Prompt tokens, as the backend counted them.");
        _tokensOut = meter.CreateCounter<long>("lamina.gateway.tokens.output", "{token}", "Generated tokens, as the backend counted them, else one per streamed chunk.");
        _tokensPerSecond = meter.CreateHistogram<double>("lamina.gateway.tokens_per_second", "{token}/s", "Generated tokens per second, after the first.");
    }

    public void Record(RequestTally tally)
    {
        var tags = new TagList
        {
            { "lamina.model", tally.Model },
            { "lamina.backend", tally.Backend ?? "unknown" },
            { "lamina.api", tally.Api },
            { "http.response.status_code", tally.Status },
        };
        _requests.Add(1, tags);
        _duration.Record(tally.Duration.TotalSeconds, tags);
        var model = new TagList { { "lamina.model", tally.Model }, { "lamina.backend", tally.Backend ?? "unknown" } };
        if (tally.FirstToken is { } first)
        {
            _firstToken.Record(first.TotalSeconds, model);
        }

        if (tally.InputTokens is { } input)
        {
            _tokensIn.Add(input, model);
        }

        if (tally.OutputTokens is > 0 and var output)
        {
            _tokensOut.Add(output, model);
            if (tally.TokensPerSecond is { } speed)
            {
                _tokensPerSecond.Record(speed, model);
            }
        }
    }
}
