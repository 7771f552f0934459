using System.Text.Json.Serialization;

namespace Lamina.Engine.Apis.Contracts;

/// <summary>OpenAI's error shape: {"error":{"message","type","param","code"}}.</summary>
internal sealed record OpenAiErrorResponse(OpenAiError Error);

internal sealed record OpenAiError(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Param,
    string? Code);

/// <summary>llama-server's shape for a server that cannot serve requests yet: {"error":{"code":503,...}}.</summary>
internal sealed record ServerErrorResponse(ServerError Error);

internal sealed record ServerError(int Code, string Message, string Type);

internal sealed record HealthStatus(string Status);
