using System.Net;

namespace Lamina.Engine.Tests;

[Collection(EngineCollection.Name)]
public sealed class CompletionsTests(EngineFixture fixture)
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task CompletionContinuesThePromptAsATextCompletion()
    {
        using var response = await _client.PostJsonAsync("v1/completions",
            new { prompt = "the tiny model", max_tokens = 6, seed = 3, ignore_eos = true });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.StartsWith("cmpl-", body.Text("id"), StringComparison.Ordinal);
        Assert.Equal("text_completion", body.Text("object"));
        var choice = body.GetProperty("choices")[0];
        Assert.False(string.IsNullOrWhiteSpace(choice.Text("text")));
        Assert.Equal("length", choice.Text("finish_reason"));
        Assert.Equal(6, body.GetProperty("usage").Number("completion_tokens"));
    }

    [Fact]
    public async Task CompletionStreamEndsWithFinishReasonUsageAndDone()
    {
        using var response = await _client.PostStreamingAsync("v1/completions",
            new { prompt = "the tiny model", max_tokens = 4, seed = 3, ignore_eos = true, stream = true });

        var events = await response.ReadEventsAsync();

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(OpenAiHttp.ParseJson).ToList();
        Assert.All(chunks, c => Assert.Equal("text_completion", c.Text("object")));
        var last = chunks[^1];
        Assert.Equal("length", last.GetProperty("choices")[0].Text("finish_reason"));
        Assert.Equal(4, last.GetProperty("usage").Number("completion_tokens"));
        Assert.NotEmpty(string.Concat(chunks.Select(c => c.GetProperty("choices")[0].Text("text"))));
    }

    [Fact]
    public async Task MaxTokensBeyondTheContextIsCutToTheRoomLeft()
    {
        using var response = await _client.PostJsonAsync("v1/completions",
            new { prompt = "the tiny model", max_tokens = 100_000, temperature = 0, ignore_eos = true });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var usage = body.GetProperty("usage");
        Assert.Equal(TestSupport.Gguf.TinyGguf.ContextLength, usage.Number("total_tokens"));
        Assert.Equal("length", body.GetProperty("choices")[0].Text("finish_reason"));
    }
}
