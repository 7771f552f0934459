namespace Lamina.Shared.Contracts;

/// <summary>The body of <c>GET /models</c>: the models that match, by name, and how many of them are on disk and running.</summary>
public sealed record CatalogModelList(IReadOnlyDictionary<string, CatalogModel> Models, int Total, int Available, int Active);
