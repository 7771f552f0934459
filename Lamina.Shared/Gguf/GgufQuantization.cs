namespace Lamina.Shared.Gguf;

/// <summary>
/// How a model is quantised: the file type it was made as (<c>Q4_K_M</c>), and the tensor types
/// it really holds with how many tensors of each, most common first (<c>q4_K: 193, f32: 65</c>).
/// </summary>
public sealed record GgufQuantization(string? FileTypeName, IReadOnlyDictionary<string, int> TensorTypes)
{
    public override string ToString()
    {
        var mix = string.Join(", ", TensorTypes.Select(pair => $"{pair.Key}: {pair.Value}"));
        return FileTypeName is null ? mix : $"{FileTypeName} ({mix})";
    }

    internal static GgufQuantization Create(int? fileType, IReadOnlyDictionary<string, int> types) => new(
        fileType is { } value ? LlamaFileType.NameOf(value) : null,
        types.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal));
}
