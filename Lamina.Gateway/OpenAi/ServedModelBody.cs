using System.Text.Json;

namespace Lamina.Gateway.OpenAi;

/// <summary>
/// Puts a model id into a request body's top-level <c>model</c>, the rest byte for byte: the id a backend answers to
/// (MLC LLM serves only the model string of its command line, not the name clients know it by), or the model that
/// <c>/chat/{name}</c> names.
/// </summary>
public static class ServedModelBody
{
    /// <summary>The body with <paramref name="model"/> as its model, replacing the one it has or added first; the body must be a JSON object.</summary>
    public static byte[] With(ReadOnlySpan<byte> body, string model)
    {
        byte[] value = [(byte)'"', .. JsonEncodedText.Encode(model).EncodedUtf8Bytes, (byte)'"'];
        var reader = new Utf8JsonReader(body);
        reader.Read();
        var opening = (int)reader.BytesConsumed;
        var empty = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            empty = false;
            var isModel = reader.ValueTextEquals("model"u8);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (isModel)
            {
                return [.. body[..start], .. value, .. body[(int)reader.BytesConsumed..]];
            }
        }

        return [.. body[..opening], .. "\"model\":"u8, .. value, .. (empty ? ""u8 : ","u8), .. body[opening..]];
    }
}
