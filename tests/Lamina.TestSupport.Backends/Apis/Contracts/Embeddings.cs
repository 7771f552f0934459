namespace Lamina.TestSupport.Backends.Apis.Contracts;

internal sealed record EmbeddingList(string Object, IReadOnlyList<EmbeddingData> Data, string Model, EmbeddingUsage Usage);

internal sealed record EmbeddingData(string Object, int Index, float[] Embedding);

internal sealed record EmbeddingUsage(int PromptTokens, int TotalTokens);
