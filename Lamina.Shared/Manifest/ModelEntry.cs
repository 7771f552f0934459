using System.Text.Json.Nodes;

namespace Lamina.Shared.Manifest;

/// <summary>
/// One model of the manifest. <see cref="Raw"/> keeps every field the file gave, so answers
/// show what the user wrote, including fields Lamina does not interpret yet.
/// </summary>
public sealed record ModelEntry(string Name, string? Path, string Backend, JsonObject Raw)
{
    public string? Description => Raw["description"]?.GetValue<string>();

    public string? HuggingFaceRepo => Raw["download"]?["huggingface"]?["repo_id"]?.GetValue<string>();

    public string? OllamaModel => Raw["download"]?["ollama"]?["model"]?.GetValue<string>();
}
