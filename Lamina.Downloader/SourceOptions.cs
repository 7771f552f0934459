namespace Lamina.Downloader;

/// <summary>Where Hugging Face is (section <c>Lamina:HuggingFace</c>).</summary>
public sealed class HuggingFaceOptions
{
    public const string Section = "Lamina:HuggingFace";

    /// <summary>The hub; tests and mirrors point it elsewhere.</summary>
    public Uri Endpoint { get; set; } = new("https://huggingface.co");

    /// <summary>An access token for gated and private repositories; a secret, never logged.</summary>
    public string? Token { get; set; }
}

/// <summary>Where the Ollama registry is (section <c>Lamina:Ollama</c>).</summary>
public sealed class OllamaOptions
{
    public const string Section = "Lamina:Ollama";

    /// <summary>The registry models are pulled from.</summary>
    public Uri Registry { get; set; } = new("https://registry.ollama.ai");
}
