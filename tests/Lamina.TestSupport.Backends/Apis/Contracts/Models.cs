namespace Lamina.TestSupport.Backends.Apis.Contracts;

internal sealed record ModelList(string Object, IReadOnlyList<ModelCard> Data);

internal sealed record ModelCard(string Id, string Object, long Created, string OwnedBy);

internal sealed record LlamaHealth(string Status);
