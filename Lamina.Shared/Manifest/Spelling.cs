namespace Lamina.Shared.Manifest;

/// <summary>Whether one word looks like a misspelling of another, to suggest the right one.</summary>
internal static class Spelling
{
    /// <summary>The Levenshtein distance is at most <paramref name="edits"/>.</summary>
    public static bool IsNear(string word, string known, int edits)
    {
        if (Math.Abs(word.Length - known.Length) > edits)
        {
            return false;
        }

        var previous = Enumerable.Range(0, known.Length + 1).ToArray();
        for (var i = 1; i <= word.Length; i++)
        {
            var current = new int[known.Length + 1];
            current[0] = i;
            for (var j = 1; j <= known.Length; j++)
            {
                var substitution = previous[j - 1] + (char.ToLowerInvariant(word[i - 1]) == known[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            previous = current;
        }

        return previous[known.Length] <= edits;
    }
}
