using System.Net;
using Lamina.TestSupport.Gguf;

namespace Lamina.Engine.Tests;

[Collection(EngineCollection.Name)]
public sealed class RequestErrorTests(EngineFixture fixture)
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task PromptLongerThanTheContextIsRefusedWithContextLengthExceeded()
    {
        var prompt = string.Concat(Enumerable.Repeat("the ", TinyGguf.ContextLength + 10));

        using var response = await _client.PostJsonAsync("v1/completions", new { prompt, max_tokens = 5 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("error");
        Assert.Equal("context_length_exceeded", error.Text("code"));
        Assert.Equal("invalid_request_error", error.Text("type"));
        Assert.Contains($"{TinyGguf.ContextLength} tokens", error.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatPromptLongerThanTheContextIsRefusedWithContextLengthExceeded()
    {
        var content = string.Concat(Enumerable.Repeat("the ", TinyGguf.ContextLength));

        using var response = await _client.PostJsonAsync("v1/chat/completions", new { messages = new[] { new { role = "user", content } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("context_length_exceeded", (await response.ReadJsonAsync()).GetProperty("error").Text("code"));
    }

    [Fact]
    public async Task MalformedJsonIsRefusedInOpenAisErrorShape()
    {
        using var response = await _client.PostRawAsync("v1/chat/completions", "{\"messages\": [");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("error");
        Assert.Equal("invalid_request_error", error.Text("type"));
        Assert.False(string.IsNullOrEmpty(error.Text("message")));
    }

    [Fact]
    public async Task ChatWithoutMessagesIsRefusedNamingTheField()
    {
        using var response = await _client.PostRawAsync("v1/chat/completions", "{\"max_tokens\": 5}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("error");
        Assert.Equal("messages", error.Text("param"));
        Assert.Contains("messages", error.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FieldOfTheWrongTypeIsRefusedNamingTheField()
    {
        using var response = await _client.PostRawAsync("v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": \"many\"}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("error");
        Assert.Equal("max_tokens", error.Text("param"));
        Assert.Contains("max_tokens", error.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutOfRangeOptionIsRefusedNamingTheField()
    {
        using var response = await _client.PostJsonAsync("v1/completions", new { prompt = "hi", top_p = 1.5 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("top_p", (await response.ReadJsonAsync()).GetProperty("error").Text("param"));
    }
}
