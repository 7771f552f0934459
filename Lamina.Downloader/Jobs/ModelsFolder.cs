namespace Lamina.Downloader.Jobs;

/// <summary>The folder models are downloaded into (<c>Lamina:ModelsDir</c>, shared with the Registry).</summary>
public sealed record ModelsFolder(string Path);
