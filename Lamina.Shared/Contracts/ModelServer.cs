using System.Text.Json.Serialization;

namespace Lamina.Shared.Contracts;

/// <summary>The server of a model that runs now, as the Registry shows it beside the model.</summary>
public sealed record ModelServer(
    string Backend,
    string State,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Endpoint,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ChatEndpoint);
