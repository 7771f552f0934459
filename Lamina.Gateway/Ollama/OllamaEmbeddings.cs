namespace Lamina.Gateway.Ollama;

/// <summary><c>POST /api/embed</c>'s response.</summary>
public sealed record OllamaEmbedResponse(string Model, IReadOnlyList<float[]> Embeddings, long TotalDuration, long LoadDuration, int PromptEvalCount);

/// <summary>The older <c>POST /api/embeddings</c>'s response: one vector.</summary>
public sealed record OllamaEmbeddingResponse(float[] Embedding);
