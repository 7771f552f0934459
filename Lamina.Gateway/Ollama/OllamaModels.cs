using System.Text.Json.Nodes;

namespace Lamina.Gateway.Ollama;

/// <summary>A model's <c>details</c>, as list, ps and show give them.</summary>
public sealed record OllamaDetails(
    string ParentModel, string Format, string Family, IReadOnlyList<string>? Families, string ParameterSize, string QuantizationLevel);

/// <summary>One model of <c>GET /api/tags</c>.</summary>
public sealed record OllamaModel(string Name, string Model, DateTime ModifiedAt, long Size, string Digest, OllamaDetails Details);

/// <summary><c>GET /api/tags</c>: the models on disk.</summary>
public sealed record OllamaModelList(IReadOnlyList<OllamaModel> Models);

/// <summary>One model of <c>GET /api/ps</c>.</summary>
public sealed record OllamaRunningModel(
    string Name, string Model, long Size, string Digest, OllamaDetails Details, DateTime ExpiresAt, long SizeVram, int? ContextLength);

/// <summary><c>GET /api/ps</c>: the models loaded now.</summary>
public sealed record OllamaRunningList(IReadOnlyList<OllamaRunningModel> Models);

/// <summary><c>POST /api/show</c>: what Lamina knows of a model, in Ollama's fields; <c>model_info</c> holds GGUF keys.</summary>
public sealed record OllamaShowResponse(
    string Modelfile, string Parameters, string Template, OllamaDetails Details, JsonObject ModelInfo, IReadOnlyList<string> Capabilities, DateTime ModifiedAt)
{
    public string License { get; init; } = "";
}

/// <summary><c>GET /api/version</c>: the Ollama API version Lamina speaks, and Lamina's own.</summary>
public sealed record OllamaVersion(string Version, string LaminaVersion);
