namespace Lamina.TestSupport.Peers;

/// <summary>A manifest's reference to a blob, or its config.</summary>
internal sealed record OllamaLayer(string MediaType, string Digest, long Size);
