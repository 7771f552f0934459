namespace Lamina.TestSupport.Gguf;

/// <summary>
/// A tiny `llama` GGUF with seeded random weights that llama.cpp loads and generates from in
/// milliseconds: every test gets a real model without downloading one. Same seed, same bytes.
/// </summary>
public static class TinyGguf
{
    public const string Architecture = "llama";
    public const string ModelName = "lamina-tiny";
    public const int ContextLength = 256;
    public const int EmbeddingLength = 64;
    public const int BlockCount = 2;
    public const int HeadCount = 4;
    public const int HeadCountKv = 2;
    public const int FeedForwardLength = 128;
    public const int RopeDimensionCount = EmbeddingLength / HeadCount;
    public const float RmsNormEpsilon = 1e-5f;
    public const int Alignment = 32;
    public const int DefaultSeed = 42;

    public const int VocabularySize = 340;
    public const int UnknownTokenId = 0;
    public const int BosTokenId = 1;
    public const int EosTokenId = 2;
    public const int ImStartTokenId = 259;
    public const int ImEndTokenId = 260;

    /// <summary>The ChatML template as models ship it; llama.cpp's matcher recognises it as "chatml".</summary>
    public const string ChatTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    /// <summary>Writes the model to <paramref name="path"/>, replacing any file there; another chat template makes another model.</summary>
    public static void Write(string path, int seed = DefaultSeed, string chatTemplate = ChatTemplate)
    {
        using var file = File.Create(path);
        Write(file, seed, chatTemplate);
    }

    /// <summary>Writes the model to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, int seed = DefaultSeed, string chatTemplate = ChatTemplate) => CreateWriter(seed, chatTemplate).WriteTo(stream);

    /// <summary>Writes the model to a new file under the temp folder and returns its path; the caller deletes it.</summary>
    public static string WriteTemp(int seed = DefaultSeed)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "lamina-tests"));
        var path = Path.Combine(directory.FullName, $"{ModelName}-{seed}-{Guid.NewGuid():N}.gguf");
        Write(path, seed);
        return path;
    }

    private static GgufWriter CreateWriter(int seed, string chatTemplate)
    {
        var vocabulary = TinyVocabulary.Build();
        if (vocabulary.Count != VocabularySize)
            throw new InvalidOperationException($"Tiny vocabulary has {vocabulary.Count} tokens, expected {VocabularySize}.");

        var writer = new GgufWriter { Alignment = Alignment };
        writer.Add("general.architecture", Architecture);
        writer.Add("general.name", ModelName);
        writer.Add("general.alignment", (uint)Alignment);
        writer.Add("general.file_type", 1u); // Mostly F16.
        writer.Add("llama.context_length", (uint)ContextLength);
        writer.Add("llama.embedding_length", (uint)EmbeddingLength);
        writer.Add("llama.block_count", (uint)BlockCount);
        writer.Add("llama.feed_forward_length", (uint)FeedForwardLength);
        writer.Add("llama.attention.head_count", (uint)HeadCount);
        writer.Add("llama.attention.head_count_kv", (uint)HeadCountKv);
        writer.Add("llama.rope.dimension_count", (uint)RopeDimensionCount);
        writer.Add("llama.attention.layer_norm_rms_epsilon", RmsNormEpsilon);
        writer.Add("llama.vocab_size", (uint)VocabularySize);

        writer.Add("tokenizer.ggml.model", "llama");
        writer.Add("tokenizer.ggml.tokens", vocabulary.Select(t => t.Piece).ToArray());
        writer.Add("tokenizer.ggml.scores", vocabulary.Select((t, i) => t.Type == TinyVocabulary.Normal ? -i : 0f).ToArray());
        writer.Add("tokenizer.ggml.token_type", vocabulary.Select(t => t.Type).ToArray());
        writer.Add("tokenizer.ggml.unknown_token_id", (uint)UnknownTokenId);
        writer.Add("tokenizer.ggml.bos_token_id", (uint)BosTokenId);
        writer.Add("tokenizer.ggml.eos_token_id", (uint)EosTokenId);
        writer.Add("tokenizer.ggml.eot_token_id", (uint)ImEndTokenId);
        writer.Add("tokenizer.ggml.add_bos_token", true);
        writer.Add("tokenizer.ggml.add_eos_token", false);
        writer.Add("tokenizer.chat_template", chatTemplate);

        foreach (var tensor in new TinyWeights(seed, vocabulary).Create())
            writer.AddTensor(tensor);
        return writer;
    }
}
