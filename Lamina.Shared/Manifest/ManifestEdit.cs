namespace Lamina.Shared.Manifest;

/// <summary>What an edit of <c>models.yaml</c> did.</summary>
public enum ManifestEditOutcome
{
    Added,
    Replaced,
    Removed,

    /// <summary>Remove named a model the file does not have; the text is unchanged.</summary>
    NotFound,

    /// <summary>The edit would leave a problem (listed) or could not be made; the text is unchanged.</summary>
    Invalid,
}

/// <summary>
/// The result of a <see cref="ManifestEditor"/> edit: the text to write (the original one unless
/// it succeeded) and, when invalid, the problems the edit would bring, placed in the edited text.
/// </summary>
public sealed record ManifestEdit(ManifestEditOutcome Outcome, string Text, IReadOnlyList<ManifestProblem> Problems)
{
    public bool Succeeded => Outcome is ManifestEditOutcome.Added or ManifestEditOutcome.Replaced or ManifestEditOutcome.Removed;
}
