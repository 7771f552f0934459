using System.Net;
using System.Text.Json;

namespace Lamina.Engine.Tests;

[Collection(EngineCollection.Name)]
public sealed class ChatCompletionsTests(EngineFixture fixture)
{
    private readonly HttpClient _client = fixture.Client;

    private static object Chat(int maxTokens, bool stream = false, object? stop = null) => new
    {
        model = "anything",
        messages = new[] { new { role = "system", content = "You are tiny." }, new { role = "user", content = "Say hello." } },
        max_tokens = maxTokens,
        temperature = 0.7,
        seed = 7,
        ignore_eos = true,
        stream,
        stop,
    };

    [Fact]
    public async Task ChatAnswerStopsAtMaxTokensWithFinishReasonLengthAndCountsTokens()
    {
        using var response = await _client.PostJsonAsync("v1/chat/completions", Chat(maxTokens: 5));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.StartsWith("chatcmpl-", body.Text("id"), StringComparison.Ordinal);
        Assert.Equal("chat.completion", body.Text("object"));
        Assert.Equal(EngineFixture.Alias, body.Text("model"));
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("length", choice.Text("finish_reason"));
        Assert.Equal("assistant", choice.GetProperty("message").Text("role"));
        Assert.False(string.IsNullOrWhiteSpace(choice.GetProperty("message").Text("content")));
        var usage = body.GetProperty("usage");
        Assert.Equal(5, usage.Number("completion_tokens"));
        Assert.True(usage.Number("prompt_tokens") > 10);
        Assert.Equal(usage.Number("prompt_tokens") + 5, usage.Number("total_tokens"));
    }

    [Fact]
    public async Task SameSeedGivesTheSameAnswer()
    {
        var first = await ContentAsync(Chat(maxTokens: 12));
        var second = await ContentAsync(Chat(maxTokens: 12));

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task StreamSendsRoleThenContentThenFinishWithUsageThenDone()
    {
        using var response = await _client.PostStreamingAsync("v1/chat/completions", Chat(maxTokens: 5, stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await response.ReadEventsAsync();
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(OpenAiHttp.ParseJson).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.Text("object")));
        Assert.Single(chunks.Select(c => c.Text("id")).Distinct());

        var first = chunks[0].GetProperty("choices")[0];
        Assert.Equal("assistant", first.GetProperty("delta").Text("role"));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("finish_reason").ValueKind);

        var content = chunks[1..^1].Select(c => c.GetProperty("choices")[0].GetProperty("delta").Text("content")).ToList();
        Assert.NotEmpty(content);

        var last = chunks[^1];
        Assert.Equal("length", last.GetProperty("choices")[0].Text("finish_reason"));
        Assert.Equal(5, last.GetProperty("usage").Number("completion_tokens"));

        // The stream carries the very answer a whole response would.
        Assert.Equal(await ContentAsync(Chat(maxTokens: 5)), string.Concat(content));
    }

    [Fact]
    public async Task StopStringEndsTheAnswerJustBeforeIt()
    {
        var whole = await ContentAsync(Chat(maxTokens: 12));
        var words = whole.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var stop = " " + words[2];
        var expected = whole[..whole.IndexOf(stop, StringComparison.Ordinal)];

        using var response = await _client.PostJsonAsync("v1/chat/completions", Chat(maxTokens: 12, stop: new[] { stop }));

        var choice = (await response.ReadJsonAsync()).GetProperty("choices")[0];
        Assert.Equal("stop", choice.Text("finish_reason"));
        Assert.Equal(expected, choice.GetProperty("message").Text("content"));
    }

    [Fact]
    public async Task ContentGivenAsTextPartsIsAccepted()
    {
        var body = new
        {
            messages = new[] { new { role = "user", content = new[] { new { type = "text", text = "Say hello." } } } },
            max_tokens = 3,
            ignore_eos = true,
        };

        using var response = await _client.PostJsonAsync("v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, (await response.ReadJsonAsync()).GetProperty("usage").Number("completion_tokens"));
    }

    private async Task<string> ContentAsync(object request)
    {
        using var response = await _client.PostJsonAsync("v1/chat/completions", request);
        response.EnsureSuccessStatusCode();
        return (await response.ReadJsonAsync()).GetProperty("choices")[0].GetProperty("message").Text("content");
    }
}
