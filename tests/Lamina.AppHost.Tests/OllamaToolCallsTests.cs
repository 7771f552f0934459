using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using Lamina.TestSupport.Peers;
using OllamaSharp;
using OllamaSharp.Models.Chat;
using StackExchange.Redis;

namespace Lamina.AppHost.Tests;

/// <summary>
/// Tool calling and images through Ollama's chat, as agents use them: Ollama's own client on one side,
/// on the other a backend that speaks OpenAI's protocol, recorded in the store as a ready instance of
/// <see cref="Model"/> (as another Runner would record it).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OllamaToolCallsTests(SystemFixture fixture) : IAsyncLifetime
{
    private const string Model = "tool-peer";

    private static readonly JsonObject _arguments = new() { ["city"] = "Paris", ["days"] = 3 };

    private readonly OllamaApiClient _ollama = new(fixture.System.Gateway);
    private ToolCallingChatServer _backend = null!;
    private ConnectionMultiplexer _redis = null!;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheBackendsToolCallReachesOllamasClientWithItsArgumentsAsAnObject(bool stream)
    {
        var replies = await ToListAsync(_ollama.ChatAsync(new ChatRequest
        {
            Model = Model,
            Stream = stream,
            Messages = [new Message(ChatRole.User, "What is the weather in Paris for three days?")],
            Tools = [Weather()],
        }));

        var call = Assert.Single(replies.SelectMany(reply => reply!.Message.ToolCalls ?? []));
        Assert.Equal("get_weather", call.Function!.Name);
        Assert.Equal("Paris", call.Function.Arguments!["city"]?.ToString());
        Assert.Equal("3", call.Function.Arguments["days"]?.ToString());
        var done = Assert.IsType<ChatDoneResponseStream>(replies[^1]);
        Assert.Equal("stop", done.DoneReason);
        var sent = _backend.Requests[^1];
        Assert.Equal("get_weather", sent["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("object", sent["tools"]![0]!["function"]!["parameters"]!["type"]!.GetValue<string>());
        Assert.Equal("function", sent["tools"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task AToolsAnswerReachesTheBackendAsOpenAiToolCallAndToolMessages()
    {
        var call = new Message.ToolCall { Function = new Message.Function { Name = "get_weather", Arguments = new Dictionary<string, object?> { ["city"] = "Paris" } } };

        await ToListAsync(_ollama.ChatAsync(new ChatRequest
        {
            Model = Model,
            Stream = false,
            Messages =
            [
                new Message(ChatRole.User, "What is the weather in Paris?"),
                new Message { Role = ChatRole.Assistant, Content = "", ToolCalls = [call] },
                new Message { Role = ChatRole.Tool, Content = "{\"celsius\": 21}", ToolName = "get_weather" },
            ],
            Tools = [Weather()],
        }));

        var messages = _backend.Requests[^1]["messages"]!.AsArray();
        var asked = messages[1]!["tool_calls"]![0]!;
        Assert.Equal("function", asked["type"]!.GetValue<string>());
        Assert.Equal("get_weather", asked["function"]!["name"]!.GetValue<string>());
        // OpenAI's arguments are the JSON object written as a string.
        Assert.Equal("Paris", JsonNode.Parse(asked["function"]!["arguments"]!.GetValue<string>())!["city"]!.GetValue<string>());
        var answer = messages[2]!;
        Assert.Equal("tool", answer["role"]!.GetValue<string>());
        Assert.Equal("get_weather", answer["name"]!.GetValue<string>());
        Assert.Equal("{\"celsius\": 21}", answer["content"]!.GetValue<string>());
        // The answer names the call it answers, which backends' templates need.
        Assert.False(string.IsNullOrEmpty(asked["id"]?.GetValue<string>()));
        Assert.Equal(asked["id"]!.GetValue<string>(), answer["tool_call_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ImagesReachTheBackendAsDataUrlsBesideTheText()
    {
        // The first bytes of a PNG file, enough to say what it is.
        var png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);

        var replies = await ToListAsync(_ollama.ChatAsync(new ChatRequest
        {
            Model = Model,
            Stream = false,
            Messages = [new Message(ChatRole.User, "What is in this picture?", [png])],
        }));

        Assert.Equal(ToolCallingChatServer.Text, Assert.Single(replies)!.Message.Content);
        var content = _backend.Requests[^1]["messages"]![0]!["content"]!.AsArray();
        Assert.Equal("text", content[0]!["type"]!.GetValue<string>());
        Assert.Equal("What is in this picture?", content[0]!["text"]!.GetValue<string>());
        Assert.Equal("image_url", content[1]!["type"]!.GetValue<string>());
        Assert.Equal($"data:image/png;base64,{png}", content[1]!["image_url"]!["url"]!.GetValue<string>());
    }

    [Fact]
    public async Task ImagesOfAGenerateReachTheBackendBesideItsPromptAndRawRefusesThem()
    {
        var png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);

        var replies = await ToListAsync(_ollama.GenerateAsync(new OllamaSharp.Models.GenerateRequest
        {
            Model = Model,
            Stream = false,
            Prompt = "What is in this picture?",
            Images = [png],
        }));
        using var raw = await fixture.System.Gateway.PostAsJsonAsync("/api/generate", new { model = Model, prompt = "x", raw = true, images = new[] { png } });

        Assert.Equal(ToolCallingChatServer.Text, Assert.Single(replies)!.Response);
        var content = _backend.Requests[^1]["messages"]![0]!["content"]!.AsArray();
        Assert.Equal("What is in this picture?", content[0]!["text"]!.GetValue<string>());
        Assert.Equal($"data:image/png;base64,{png}", content[1]!["image_url"]!["url"]!.GetValue<string>());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, raw.StatusCode);
        Assert.Contains("raw", (await raw.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ThinkTurnsTheTemplatesThinkingOnOrOffAndAGeneratesThoughtComesBesideItsResponse(bool stream)
    {
        var thought = await ToListAsync(_ollama.GenerateAsync(new OllamaSharp.Models.GenerateRequest { Model = Model, Stream = stream, Prompt = "Why?", Think = true }));
        Assert.True(_backend.Requests[^1]["chat_template_kwargs"]!["enable_thinking"]!.GetValue<bool>());
        Assert.Equal(ToolCallingChatServer.Thought, string.Concat(thought.Select(reply => reply!.Thinking)));
        Assert.Equal(ToolCallingChatServer.Text, string.Concat(thought.Select(reply => reply!.Response)));

        var quick = await ToListAsync(_ollama.ChatAsync(new ChatRequest { Model = Model, Stream = stream, Messages = [new Message(ChatRole.User, "Why?")], Think = false }));
        Assert.False(_backend.Requests[^1]["chat_template_kwargs"]!["enable_thinking"]!.GetValue<bool>());
        Assert.All(quick, reply => Assert.Null(reply!.Message.Thinking));
        Assert.Equal(ToolCallingChatServer.Text, string.Concat(quick.Select(reply => reply!.Message.Content)));

        await ToListAsync(_ollama.ChatAsync(new ChatRequest { Model = Model, Stream = stream, Messages = [new Message(ChatRole.User, "Why?")], Think = "high" }));
        Assert.Equal("high", _backend.Requests[^1]["reasoning_effort"]!.GetValue<string>());
        Assert.Equal("high", _backend.Requests[^1]["chat_template_kwargs"]!["reasoning_effort"]!.GetValue<string>());
    }

    [Fact]
    public async Task AThinkNoBackendCanHonourIsRefusedSayingWhatItTakes()
    {
        var sent = _backend.Requests.Count;
        using var odd = await fixture.System.Gateway.PostAsJsonAsync("/api/chat", new { model = Model, think = "very", messages = new[] { new { role = "user", content = "x" } } });
        using var raw = await fixture.System.Gateway.PostAsJsonAsync("/api/generate", new { model = Model, prompt = "x", raw = true, think = true });

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, odd.StatusCode);
        Assert.Equal("think is \"very\"; give true, false, or an effort: \"low\", \"medium\" or \"high\"", (await odd.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, raw.StatusCode);
        Assert.StartsWith("think needs the model's chat template, which raw skips", (await raw.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
        Assert.Equal(sent, _backend.Requests.Count);
    }

    private static Tool Weather() => new()
    {
        Function = new Function
        {
            Name = "get_weather",
            Description = "The weather forecast for a city",
            Parameters = new Parameters
            {
                Properties = new Dictionary<string, Property>
                {
                    ["city"] = new Property { Type = "string", Description = "The city" },
                    ["days"] = new Property { Type = "integer", Description = "Days ahead" },
                },
                Required = ["city"],
            },
        },
    };

    public async Task InitializeAsync()
    {
        _backend = await ToolCallingChatServer.StartAsync(_arguments);
        _redis = await ConnectionMultiplexer.ConnectAsync((await fixture.System.App.GetConnectionStringAsync("redis"))!);
        var record = new JsonObject
        {
            ["model"] = Model, ["backend"] = "llama.cpp", ["state"] = "ready", ["endpoint"] = _backend.BaseAddress.ToString().TrimEnd('/'),
            ["started_at"] = DateTimeOffset.UtcNow, ["node"] = "elsewhere/1",
        };
        await _redis.GetDatabase().StringSetAsync($"lamina:instance:{Model}", record.ToJsonString(), TimeSpan.FromMinutes(1));
    }

    public async Task DisposeAsync()
    {
        await _redis.GetDatabase().KeyDeleteAsync($"lamina:instance:{Model}");
        // As a Runner says its instance changed, so the gateway forgets it.
        await _redis.GetSubscriber().PublishAsync(RedisChannel.Literal("lamina:events:instances"), Model);
        await _redis.DisposeAsync();
        await _backend.DisposeAsync();
        _ollama.Dispose();
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
