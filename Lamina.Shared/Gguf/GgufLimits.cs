namespace Lamina.Shared.Gguf;

/// <summary>
/// Caps on what the header reader accepts or keeps. Each is far above what real models use
/// (Llama 3's header is about 8 MiB, 300 tensors, 40 keys), so hitting one means a damaged or
/// hostile file, and the caps keep such a file from costing more than a few hundred MiB or a second.
/// </summary>
public static class GgufLimits
{
    /// <summary>Most tensors a header may list.</summary>
    public const long MaxTensorCount = 1 << 20;

    /// <summary>Most metadata entries a header may hold.</summary>
    public const long MaxKeyValueCount = 1 << 16;

    /// <summary>Longest metadata key, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 256;

    /// <summary>Longest tensor name, in UTF-8 bytes (llama.cpp itself allows 63).</summary>
    public const int MaxTensorNameBytes = 256;

    /// <summary>Dimensions of a tensor (ggml's GGML_MAX_DIMS).</summary>
    public const int MaxDimensions = 4;

    /// <summary>Where the header (metadata and tensor infos) must end, about: tensor data may go on for terabytes.</summary>
    public const long MaxHeaderBytes = 64L << 20;

    /// <summary>Longest metadata string kept as text; a longer one is kept as a <see cref="GgufOmittedString"/>.</summary>
    public const int MaxKeptStringBytes = 1 << 20;

    /// <summary>Most metadata string bytes kept in all; strings past it are kept as <see cref="GgufOmittedString"/>.</summary>
    public const long MaxKeptStringBytesTotal = 16L << 20;
}
