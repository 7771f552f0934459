using System.Net;
using System.Text.Json;
using Lamina.TestSupport.Gguf;

namespace Lamina.Engine.Tests;

[Collection(EngineCollection.Name)]
public sealed class EmbeddingsTests(EngineFixture fixture)
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task OneStringGivesOneUnitVectorOfTheModelsEmbeddingLength()
    {
        using var response = await _client.PostJsonAsync("v1/embeddings", new { model = EngineFixture.Alias, input = "the tiny model" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("list", body.Text("object"));
        Assert.Equal(EngineFixture.Alias, body.Text("model"));
        var item = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal("embedding", item.Text("object"));
        Assert.Equal(0, item.Number("index"));
        var vector = Floats(item);
        Assert.Equal(TinyGguf.EmbeddingLength, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(x => (double)x * x)), 1e-3);
    }

    [Fact]
    public async Task BatchOfThreeGivesThreeDistinctVectorsInOrder()
    {
        string[] texts = ["the tiny model", "a different sentence", "hello"];

        var batch = await EmbedAsync(new { input = texts });

        Assert.Equal([0, 1, 2], batch.GetProperty("data").EnumerateArray().Select(d => d.Number("index")));
        var vectors = Vectors(batch);
        for (var i = 0; i < texts.Length; i++)
            Assert.Equal(Vectors(await EmbedAsync(new { input = texts[i] }))[0], vectors[i]);
        Assert.NotEqual(vectors[0], vectors[1]);
        Assert.NotEqual(vectors[1], vectors[2]);
    }

    [Fact]
    public async Task SameTextGivesEqualVectorsWithinAndAcrossRequests()
    {
        var first = Vectors(await EmbedAsync(new { input = new[] { "same text", "same text" } }));
        var again = Vectors(await EmbedAsync(new { input = "same text" }))[0];

        Assert.Equal(first[0], first[1]);
        Assert.Equal(first[0], again);
    }

    [Fact]
    public async Task Base64EncodingDecodesToTheSameFloats()
    {
        var floats = Vectors(await EmbedAsync(new { input = "the tiny model", encoding_format = "float" }))[0];
        var encoded = (await EmbedAsync(new { input = "the tiny model", encoding_format = "base64" })).GetProperty("data")[0].Text("embedding");

        var bytes = Convert.FromBase64String(encoded);
        var decoded = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, decoded, 0, bytes.Length);
        Assert.Equal(floats, decoded);
    }

    [Fact]
    public async Task UsageCountsTheTokensOfEveryInput()
    {
        var one = await EmbedAsync(new { input = new[] { 1, 100, 101, 102 } });
        var two = await EmbedAsync(new { input = new[] { new[] { 1, 100, 101 }, new[] { 1, 100, 101, 102, 103 } } });
        var text = (await EmbedAsync(new { input = "the tiny model" })).GetProperty("usage");
        var twice = (await EmbedAsync(new { input = new[] { "the tiny model", "the tiny model" } })).GetProperty("usage");

        Assert.Equal(4, one.GetProperty("usage").Number("prompt_tokens"));
        Assert.Equal(4, one.GetProperty("usage").Number("total_tokens"));
        Assert.Equal(8, two.GetProperty("usage").Number("prompt_tokens"));
        Assert.Equal(8, two.GetProperty("usage").Number("total_tokens"));
        Assert.Equal(2, two.GetProperty("data").GetArrayLength());
        // At most one token per byte, plus BOS and the space the SentencePiece tokenizer puts first.
        Assert.InRange(text.Number("prompt_tokens"), 2, "the tiny model".Length + 2);
        Assert.Equal(text.Number("prompt_tokens"), text.Number("total_tokens"));
        Assert.Equal(2 * text.Number("prompt_tokens"), twice.Number("prompt_tokens"));
    }

    [Fact]
    public async Task DimensionsEqualToTheModelsAreAccepted()
    {
        var body = await EmbedAsync(new { input = "hello", dimensions = TinyGguf.EmbeddingLength });

        Assert.Equal(TinyGguf.EmbeddingLength, Vectors(body)[0].Length);
    }

    [Theory]
    [InlineData("{\"model\": \"tiny\"}", "input")]
    [InlineData("{\"input\": \"\"}", "input")]
    [InlineData("{\"input\": []}", "input")]
    [InlineData("{\"input\": [[]]}", "input")]
    [InlineData("{\"input\": [\"ok\", \"\"]}", "input")]
    [InlineData("{\"input\": 42}", "input")]
    [InlineData("{\"input\": [1, \"mixed\"]}", "input")]
    [InlineData("{\"input\": [1, 2.5]}", "input")]
    [InlineData("{\"input\": [1, 99999]}", "input")]
    [InlineData("{\"input\": [-1]}", "input")]
    [InlineData("{\"input\": \"hi\", \"encoding_format\": \"int8\"}", "encoding_format")]
    [InlineData("{\"input\": \"hi\", \"dimensions\": 32}", "dimensions")]
    [InlineData("{\"input\": \"hi\", \"dimensions\": \"many\"}", "dimensions")]
    public async Task BadBodyIsRefusedNamingTheField(string body, string field)
    {
        using var response = await _client.PostRawAsync("v1/embeddings", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("error");
        Assert.Equal("invalid_request_error", error.Text("type"));
        Assert.Equal(field, error.Text("param"));
        Assert.Contains(field, error.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InputLongerThanTheContextIsRefusedWithItsTokenCountAndTheLimit()
    {
        var tokens = Enumerable.Repeat(100, TinyGguf.ContextLength + 1).ToArray();

        using var response = await _client.PostJsonAsync("v1/embeddings", new { input = new[] { new[] { 100 }, tokens } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("error");
        Assert.Equal("context_length_exceeded", error.Text("code"));
        Assert.Equal("input", error.Text("param"));
        Assert.Contains("'input[1]'", error.Text("message"), StringComparison.Ordinal);
        Assert.Contains($"{TinyGguf.ContextLength + 1} tokens", error.Text("message"), StringComparison.Ordinal);
        Assert.Contains($"{TinyGguf.ContextLength} tokens", error.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InputAsLongAsTheContextIsEmbedded()
    {
        var body = await EmbedAsync(new { input = Enumerable.Repeat(100, TinyGguf.ContextLength).ToArray() });

        Assert.Equal(TinyGguf.ContextLength, body.GetProperty("usage").Number("prompt_tokens"));
    }

    [Fact]
    public async Task TooManyInputsAreRefused()
    {
        using var response = await _client.PostJsonAsync("v1/embeddings", new { input = Enumerable.Repeat("x", 2049).ToArray() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("error");
        Assert.Equal("input", error.Text("param"));
        Assert.Contains("2048", error.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddingsAnswerAlongsideGenerationWithTheSameVectors()
    {
        var alone = Vectors(await EmbedAsync(new { input = "the tiny model" }))[0];

        var completions = Enumerable.Range(0, 3).Select(async _ =>
        {
            using var response = await _client.PostJsonAsync("v1/completions", new { prompt = "the tiny model", max_tokens = 64, ignore_eos = true });
            return response.StatusCode;
        }).ToList();
        var embeddings = Enumerable.Range(0, 4).Select(_ => EmbedAsync(new { input = "the tiny model" })).ToList();

        Assert.All(await Task.WhenAll(completions), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.All(await Task.WhenAll(embeddings), body => Assert.Equal(alone, Vectors(body)[0]));
    }

    private async Task<JsonElement> EmbedAsync(object body)
    {
        using var response = await _client.PostJsonAsync("v1/embeddings", body);
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return json;
    }

    private static float[][] Vectors(JsonElement body) => [.. body.GetProperty("data").EnumerateArray().Select(Floats)];

    private static float[] Floats(JsonElement item) => [.. item.GetProperty("embedding").EnumerateArray().Select(x => x.GetSingle())];
}
