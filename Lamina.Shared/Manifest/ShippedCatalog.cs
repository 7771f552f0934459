namespace Lamina.Shared.Manifest;

/// <summary>
/// The model catalog Lamina ships: the repository's <c>models.yaml</c> as its last commit has it,
/// built into this assembly. It seeds a new live manifest, and tells a repository file the user
/// edited apart from the one that came with Lamina.
/// </summary>
public static class ShippedCatalog
{
    private static readonly Lazy<string> _text = new(() =>
    {
        using var stream = typeof(ShippedCatalog).Assembly.GetManifestResourceStream("Lamina.Shared.Manifest.shipped-models.yaml")
            ?? throw new InvalidOperationException("the shipped catalog is not built into Lamina.Shared; build it from the repository");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The catalog's text.</summary>
    public static string Text => _text.Value;

    /// <summary>Whether the text is the shipped catalog, whichever line breaks a checkout gave it.</summary>
    public static bool IsShipped(string text) => Normalized(text) == Normalized(Text);

    private static string Normalized(string text) => text.TrimStart('\uFEFF').ReplaceLineEndings("\n");
}
