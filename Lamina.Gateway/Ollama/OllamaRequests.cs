using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lamina.Gateway.Ollama;

/// <summary>The body of show, pull and delete: the model under <c>model</c> or, as older clients send it, <c>name</c>.</summary>
public sealed record OllamaModelRequest(string? Model, string? Name, bool? Stream)
{
    public string? Target => string.IsNullOrWhiteSpace(Model) ? (string.IsNullOrWhiteSpace(Name) ? null : Name) : Model;
}

/// <summary>
/// One message of a chat, in Ollama's shape: an assistant's may carry the tools it called, a <c>tool</c> message
/// answers one, named by <c>tool_name</c> (and <c>tool_call_id</c> when the client keeps it).
/// </summary>
public sealed record OllamaMessage(string? Role, string? Content, string? Thinking = null, IReadOnlyList<string>? Images = null)
{
    public IReadOnlyList<OllamaToolCall>? ToolCalls { get; init; }

    public string? ToolName { get; init; }

    public string? ToolCallId { get; init; }
}

/// <summary>A call of a tool, in Ollama's shape: the arguments are a JSON object, not OpenAI's string.</summary>
public sealed record OllamaToolCall(OllamaToolFunction? Function)
{
    public string? Id { get; init; }
}

/// <summary>The tool called and its arguments; <c>index</c> is its place among the message's calls.</summary>
public sealed record OllamaToolFunction(string? Name, JsonObject? Arguments)
{
    public int? Index { get; init; }
}

/// <summary>
/// <c>POST /api/chat</c>; <c>tools</c> has OpenAI's shape already and goes to the backend as it is; <c>think</c> is true,
/// false or an effort (<c>low</c>, <c>medium</c>, <c>high</c>).
/// </summary>
public sealed record OllamaChatRequest(
    string? Model, IReadOnlyList<OllamaMessage>? Messages, bool? Stream, JsonElement? Format, JsonObject? Options, JsonElement? KeepAlive, JsonArray? Tools = null,
    JsonElement? Think = null);

/// <summary><c>POST /api/generate</c>; <c>raw</c> sends the prompt as it is, without the chat template; <c>images</c> (base64) go with the prompt.</summary>
public sealed record OllamaGenerateRequest(
    string? Model, string? Prompt, string? System, bool? Raw, bool? Stream, JsonElement? Format, JsonObject? Options, JsonElement? KeepAlive,
    IReadOnlyList<string>? Images = null, JsonElement? Think = null);

/// <summary><c>POST /api/embed</c> (<c>input</c>: text or a list of texts) and the older <c>POST /api/embeddings</c> (<c>prompt</c>).</summary>
public sealed record OllamaEmbedRequest(string? Model, JsonElement? Input, string? Prompt, JsonObject? Options, JsonElement? KeepAlive);
