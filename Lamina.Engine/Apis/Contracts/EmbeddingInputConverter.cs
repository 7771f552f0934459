using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lamina.Engine.Apis.Contracts;

/// <summary>
/// OpenAI's "input": a string, an array of strings, an array of token ids, or an array of such
/// arrays. Like llama-server, an array may mix strings and token arrays.
/// </summary>
internal sealed class EmbeddingInputConverter : JsonConverter<IReadOnlyList<EmbeddingInput>>
{
    private const string Expected = "expected a string, an array of strings, an array of token ids or an array of token id arrays";

    public override IReadOnlyList<EmbeddingInput> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
            return [new EmbeddingInput(reader.GetString()!, null)];
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException(Expected);

        var inputs = new List<EmbeddingInput>();
        var tokens = new List<int>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number when inputs.Count == 0:
                    tokens.Add(ReadTokenId(ref reader));
                    break;
                case JsonTokenType.String when tokens.Count == 0:
                    inputs.Add(new EmbeddingInput(reader.GetString()!, null));
                    break;
                case JsonTokenType.StartArray when tokens.Count == 0:
                    inputs.Add(new EmbeddingInput(null, ReadTokenIds(ref reader)));
                    break;
                default:
                    throw new JsonException(Expected);
            }
        }

        // A flat array of numbers is one input given as tokens, not one input per number.
        return tokens.Count > 0 ? [new EmbeddingInput(null, tokens)] : inputs;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<EmbeddingInput> value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Embedding inputs are only read.");

    private static List<int> ReadTokenIds(ref Utf8JsonReader reader)
    {
        var tokens = new List<int>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number)
                throw new JsonException(Expected);
            tokens.Add(ReadTokenId(ref reader));
        }

        return tokens;
    }

    private static int ReadTokenId(ref Utf8JsonReader reader) =>
        reader.TryGetInt32(out var id) ? id : throw new JsonException("token ids must be whole numbers");
}
