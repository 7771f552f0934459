using System.Text;
using System.Text.Json;

namespace Lamina.Gateway.OpenAi;

/// <summary>
/// The top-level fields of an OpenAI request body that the gateway reads or checks, found in one pass of a
/// <see cref="Utf8JsonReader"/> over the buffered bytes: no tree of the body is built, and the rest is only skipped.
/// </summary>
public sealed class OpenAiBody
{
    private static readonly string[] Names =
        ["model", "stream", "keep_alive", "messages", "prompt", "input", "max_tokens", "max_completion_tokens", "n", "temperature", "top_p", "presence_penalty", "frequency_penalty"];

    private static readonly byte[][] Utf8Names = [.. Names.Select(Encoding.UTF8.GetBytes)];

    private readonly byte[] _bytes;
    private readonly Field[] _fields = new Field[Names.Length];

    private OpenAiBody(byte[] bytes) => _bytes = bytes;

    /// <summary>The body as it came.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary><c>model</c> when it is a string.</summary>
    public string? Model { get; private set; }

    /// <summary>Whether <c>stream</c> is true.</summary>
    public bool Stream => _fields[Array.IndexOf(Names, "stream")].Token == JsonTokenType.True;

    /// <summary><c>keep_alive</c> as text when it is a string or a number.</summary>
    public string? KeepAlive { get; private set; }

    /// <summary>Reads <paramref name="bytes"/>; a <see cref="JsonException"/> when they are not JSON, null when they are JSON but not an object.</summary>
    public static OpenAiBody? Read(byte[] bytes)
    {
        var body = new OpenAiBody(bytes);
        var reader = new Utf8JsonReader(bytes);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            // Anything after the value is refused by this read, as by any JSON parser.
            reader.Read();
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = IndexOf(ref reader);
            reader.Read();
            body.Take(ref reader, index);
        }

        reader.Read();
        return body;
    }

    /// <summary>Whether the field is in the body; <paramref name="token"/> is its value's kind.</summary>
    public bool Has(string name, out JsonTokenType token)
    {
        token = _fields[Array.IndexOf(Names, name)].Token;
        return token != JsonTokenType.None;
    }

    /// <summary>The field's value as written in the body, for a message that quotes it.</summary>
    public string Raw(string name)
    {
        var field = _fields[Array.IndexOf(Names, name)];
        return Encoding.UTF8.GetString(_bytes, field.Start, field.Length);
    }

    /// <summary>For an array, its length.</summary>
    public int Items(string name) => _fields[Array.IndexOf(Names, name)].Items;

    /// <summary>Whether the field is a whole number of at least 1 that fits an <see cref="int"/>.</summary>
    public bool IsPositiveInteger(string name) => _fields[Array.IndexOf(Names, name)].PositiveInteger;

    /// <summary>The index of the first message that is not an object with a string <c>role</c>; -1 when all are.</summary>
    public int FirstMessageWithoutRole => _fields[Array.IndexOf(Names, "messages")].FirstWithoutRole;

    private void Take(ref Utf8JsonReader reader, int index)
    {
        var start = (int)reader.TokenStartIndex;
        var token = reader.TokenType;
        var items = 0;
        var firstWithoutRole = -1;
        var positive = token == JsonTokenType.Number && reader.TryGetInt32(out var number) && number > 0;
        if (index >= 0 && Names[index] == "model" && token == JsonTokenType.String)
        {
            Model = reader.GetString();
        }
        else if (index >= 0 && Names[index] == "keep_alive" && token is JsonTokenType.String or JsonTokenType.Number)
        {
            KeepAlive = token == JsonTokenType.String ? reader.GetString() : Encoding.UTF8.GetString(reader.ValueSpan);
        }

        if (index >= 0 && token == JsonTokenType.StartArray)
        {
            var messages = Names[index] == "messages";
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (messages && !HasRole(ref reader) && firstWithoutRole < 0)
                {
                    firstWithoutRole = items;
                }

                reader.Skip();
                items++;
            }
        }
        else
        {
            reader.Skip();
        }

        if (index >= 0)
        {
            _fields[index] = new Field(token, start, (int)reader.BytesConsumed - start, items, firstWithoutRole, positive);
        }
    }

    /// <summary>Which of <see cref="Names"/> the property the reader is on is; -1 for any other.</summary>
    private static int IndexOf(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (reader.ValueTextEquals(Utf8Names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether the element the reader is on is an object with a string <c>role</c>; the reader ends on its last token.</summary>
    private static bool HasRole(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var role = reader.ValueTextEquals("role"u8);
            reader.Read();
            found |= role && reader.TokenType == JsonTokenType.String;
            reader.Skip();
        }

        return found;
    }

    private readonly record struct Field(JsonTokenType Token, int Start, int Length, int Items, int FirstWithoutRole, bool PositiveInteger);
}
