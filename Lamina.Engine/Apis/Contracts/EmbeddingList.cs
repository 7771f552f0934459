using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lamina.Engine.Apis.Contracts;

/// <summary>OpenAI's response to POST /v1/embeddings.</summary>
internal sealed record EmbeddingList(string Object, IReadOnlyList<EmbeddingItem> Data, string Model, EmbeddingUsage Usage);

internal sealed record EmbeddingItem(string Object, int Index, EmbeddingVector Embedding);

internal sealed record EmbeddingUsage(int PromptTokens, int TotalTokens);

/// <summary>A vector written as a JSON array of floats, or as base64 of its little-endian float32 bytes.</summary>
[JsonConverter(typeof(EmbeddingVectorConverter))]
internal readonly record struct EmbeddingVector(float[] Values, bool AsBase64);

internal sealed class EmbeddingVectorConverter : JsonConverter<EmbeddingVector>
{
    public override EmbeddingVector Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Embedding vectors are only written.");

    public override void Write(Utf8JsonWriter writer, EmbeddingVector value, JsonSerializerOptions options)
    {
        if (value.AsBase64)
        {
            // OpenAI's base64 is the raw float32 array; .NET's targets here are little-endian, as it requires.
            writer.WriteBase64StringValue(System.Runtime.InteropServices.MemoryMarshal.AsBytes(value.Values.AsSpan()));
            return;
        }

        writer.WriteStartArray();
        foreach (var x in value.Values)
            writer.WriteNumberValue(x);
        writer.WriteEndArray();
    }
}
