using System.Text.RegularExpressions;

namespace Lamina.Shared.Manifest;

/// <summary>
/// What a model name or alias may be: it appears in URLs (<c>/models/{name}</c>) and as a
/// folder name, so lowercase letters, digits and <c>. _ : -</c>, starting with a letter or digit.
/// </summary>
public static partial class ModelNames
{
    public const string Pattern = "^[a-z0-9][a-z0-9._:-]*$";

    public static bool IsValid(string name) => ValidName().IsMatch(name);

    /// <summary>The closest valid name, to suggest in a message: <c>"Qwen 2.5 7B"</c> gives <c>qwen-2.5-7b</c>.</summary>
    public static string Suggest(string name)
    {
        var suggestion = NotAllowed().Replace(name.ToLowerInvariant(), "-").TrimStart('.', '_', ':', '-');
        return suggestion.Length > 0 ? suggestion : "my-model";
    }

    [GeneratedRegex(Pattern)]
    private static partial Regex ValidName();

    [GeneratedRegex("[^a-z0-9._:-]+")]
    private static partial Regex NotAllowed();
}
