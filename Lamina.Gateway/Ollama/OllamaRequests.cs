using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lamina.Gateway.Ollama;

/// <summary>The body of show, pull and delete: the model under <c>model</c> or, as older clients send it, <c>name</c>.</summary>
public sealed record OllamaModelRequest(string? Model, string? Name, bool? Stream)
{
    public string? Target => string.IsNullOrWhiteSpace(Model) ? (string.IsNullOrWhiteSpace(Name) ? null : Name) : Model;
}

/// <summary>One message of a chat, in Ollama's shape.</summary>
public sealed record OllamaMessage(string? Role, string? Content, string? Thinking = null, IReadOnlyList<string>? Images = null);

/// <summary><c>POST /api/chat</c>.</summary>
public sealed record OllamaChatRequest(
    string? Model, IReadOnlyList<OllamaMessage>? Messages, bool? Stream, JsonElement? Format, JsonObject? Options, JsonElement? KeepAlive);

/// <summary><c>POST /api/generate</c>; <c>raw</c> sends the prompt as it is, without the chat template.</summary>
public sealed record OllamaGenerateRequest(
    string? Model, string? Prompt, string? System, bool? Raw, bool? Stream, JsonElement? Format, JsonObject? Options, JsonElement? KeepAlive);

/// <summary><c>POST /api/embed</c> (<c>input</c>: text or a list of texts) and the older <c>POST /api/embeddings</c> (<c>prompt</c>).</summary>
public sealed record OllamaEmbedRequest(string? Model, JsonElement? Input, string? Prompt, JsonObject? Options, JsonElement? KeepAlive);
