namespace Lamina.Shared.Gguf;

/// <summary>
/// What a GGUF header says about its model. Fields read from metadata are null when the key is
/// missing or not a scalar integer that fits an int (some architectures give per-layer arrays).
/// </summary>
public sealed record GgufModelInfo
{
    public required int Version { get; init; }

    /// <summary>Every metadata entry: scalars boxed as stored, strings, <see cref="GgufArrayInfo"/> or <see cref="GgufOmittedString"/>.</summary>
    public required IReadOnlyDictionary<string, object> Metadata { get; init; }

    public string? Architecture { get; init; }

    public string? Name { get; init; }

    /// <summary><c>general.file_type</c>, llama.cpp's <c>llama_ftype</c>; its name is in <see cref="Quantization"/>.</summary>
    public int? FileType { get; init; }

    public required GgufQuantization Quantization { get; init; }

    public int? ContextLength { get; init; }

    public int? EmbeddingLength { get; init; }

    public int? BlockCount { get; init; }

    public int? HeadCount { get; init; }

    public int? HeadCountKv { get; init; }

    /// <summary>The number of tokens in <c>tokenizer.ggml.tokens</c>, else <c>{arch}.vocab_size</c>.</summary>
    public int? VocabularySize { get; init; }

    public bool HasChatTemplate { get; init; }

    /// <summary>The template text; null when there is none or it is longer than <see cref="GgufLimits.MaxKeptStringBytes"/>.</summary>
    public string? ChatTemplate { get; init; }

    public long TensorCount { get; init; }

    /// <summary>The sum over tensors of their element counts.</summary>
    public long ParameterCount { get; init; }

    /// <summary>The sum over tensors of their sizes in bytes, from ggml's block sizes; tensors of unknown types add nothing.</summary>
    public long TensorBytes { get; init; }

    /// <summary>Some tensor has a type id this reader does not know (see <see cref="GgmlTypeLayout"/>); the mix names it <c>type_{id}</c>.</summary>
    public bool HasUnknownTensorTypes { get; init; }

    public long Alignment { get; init; }

    /// <summary>Where tensor data starts: the end of the header, aligned.</summary>
    public long DataOffset { get; init; }

    /// <summary>Bytes from the start of the GGUF data to the end of the file or stream.</summary>
    public long FileLength { get; init; }

    /// <summary>Memory to load the model and serve <paramref name="parallel"/> sequences of <paramref name="contextLength"/> tokens.</summary>
    public GgufMemoryEstimate EstimateMemory(int? contextLength = null, int parallel = 1) =>
        GgufMemoryEstimate.For(this, contextLength, parallel);

    /// <summary>The total of <see cref="EstimateMemory"/>, in bytes.</summary>
    public long EstimateMemoryBytes(int? contextLength = null, int parallel = 1) =>
        EstimateMemory(contextLength, parallel).TotalBytes;

    internal static GgufModelInfo Create(
        uint version, IReadOnlyDictionary<string, object> entries, long tensorCount, GgufTensorTally tensors,
        long alignment, long dataOffset, long fileLength)
    {
        var architecture = entries.GetValueOrDefault("general.architecture") as string;
        int? Count(string key) => GgufValues.AsCount(entries.GetValueOrDefault(key));
        int? ArchCount(string suffix) => architecture is null ? null : Count($"{architecture}.{suffix}");
        var chatTemplate = entries.GetValueOrDefault("tokenizer.chat_template");
        return new GgufModelInfo
        {
            Version = (int)version,
            Metadata = entries,
            Architecture = architecture,
            Name = entries.GetValueOrDefault("general.name") as string,
            FileType = Count("general.file_type"),
            Quantization = GgufQuantization.Create(Count("general.file_type"), tensors.Types),
            ContextLength = ArchCount("context_length"),
            EmbeddingLength = ArchCount("embedding_length"),
            BlockCount = ArchCount("block_count"),
            HeadCount = ArchCount("attention.head_count"),
            HeadCountKv = ArchCount("attention.head_count_kv"),
            VocabularySize = entries.GetValueOrDefault("tokenizer.ggml.tokens") is GgufArrayInfo { Count: <= int.MaxValue } tokens
                ? (int)tokens.Count
                : ArchCount("vocab_size"),
            HasChatTemplate = chatTemplate is string or GgufOmittedString,
            ChatTemplate = chatTemplate as string,
            TensorCount = tensorCount,
            ParameterCount = tensors.ParameterCount,
            TensorBytes = tensors.Bytes,
            HasUnknownTensorTypes = tensors.HasUnknownTypes,
            Alignment = alignment,
            DataOffset = dataOffset,
            FileLength = fileLength,
        };
    }
}
