namespace Lamina.TestSupport.Gguf;

/// <summary>
/// A SentencePiece-style ("llama") vocabulary: unknown, BOS, EOS, the 256 byte tokens that
/// llama.cpp needs for byte fallback and newlines, the ChatML markers, then ordinary pieces.
/// </summary>
internal static class TinyVocabulary
{
    // Token types as llama.cpp numbers them (llama_token_type).
    public const int Normal = 1;
    public const int Unknown = 2;
    public const int Control = 3;
    public const int Byte = 6;

    private const string Space = "\u2581"; // SentencePiece's visible space.

    private static readonly string[] _words =
    [
        "the", "a", "of", "and", "to", "in", "is", "it", "that", "for", "on", "with", "as", "was", "at", "by",
        "this", "be", "from", "or", "are", "an", "not", "we", "you", "model", "token", "lamina", "layer",
        "hello", "world", "small", "random", "test", "text", "word", "fast", "slow", "data", "file", "run",
        "serve", "tiny", "seed", "weight", "byte", "chat", "stream",
    ];

    private static readonly string[] _punctuation = [",", ".", "!", "?"];

    public static IReadOnlyList<(string Piece, int Type)> Build()
    {
        var tokens = new List<(string, int)> { ("<unk>", Unknown), ("<s>", Control), ("</s>", Control) };
        for (var b = 0; b < 256; b++)
            tokens.Add(($"<0x{b:X2}>", Byte));
        tokens.Add(("<|im_start|>", Control));
        tokens.Add(("<|im_end|>", Control));
        tokens.Add((Space, Normal));
        for (var c = 'a'; c <= 'z'; c++)
            tokens.Add((c.ToString(), Normal));
        foreach (var word in _words)
            tokens.Add((Space + word, Normal));
        foreach (var mark in _punctuation)
            tokens.Add((mark, Normal));
        return tokens;
    }

    /// <summary>Whole words and punctuation: the weights make these far likelier, so output reads as text.</summary>
    public static bool IsFavoured(string piece, int type) =>
        type == Normal && ((piece.Length > 1 && piece.StartsWith(Space, StringComparison.Ordinal)) || _punctuation.Contains(piece));
}
