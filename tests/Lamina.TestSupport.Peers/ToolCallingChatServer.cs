using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Lamina.TestSupport.Peers;

/// <summary>
/// An OpenAI-like chat server that calls the first tool a request offers, with the arguments it was
/// started with: whole when the request does not stream, else as a tool call whose arguments arrive
/// over several deltas, as llama-server and vLLM send them. A request without tools gets a short text.
/// A request that turns the template's thinking on (<c>chat_template_kwargs.enable_thinking</c>) gets its
/// thought first, as <c>reasoning_content</c>. Every request body is kept, so tests see what a client's
/// request became on its way.
/// </summary>
public sealed class ToolCallingChatServer : IAsyncDisposable
{
    /// <summary>The id of every tool call it makes.</summary>
    public const string CallId = "call_peer_1";

    /// <summary>The text of an answer to a request without tools.</summary>
    public const string Text = "no tools offered";

    /// <summary>The thought of an answer to a request that turns thinking on.</summary>
    public const string Thought = "the client offered no tools, so I answer in words";

    private readonly string _arguments;
    private readonly ConcurrentQueue<JsonObject> _requests = new();
    private PeerHost? _host;

    private ToolCallingChatServer(string arguments) => _arguments = arguments;

    /// <summary>Where the server listens, ending with a slash.</summary>
    public Uri BaseAddress => (_host ?? throw new InvalidOperationException("The server has not started.")).BaseAddress;

    /// <summary>The bodies of the chat requests it answered, oldest first.</summary>
    public IReadOnlyList<JsonObject> Requests => [.. _requests];

    /// <summary>Starts a server on a free loopback port whose tool calls carry <paramref name="arguments"/> (a JSON object).</summary>
    public static async Task<ToolCallingChatServer> StartAsync(JsonObject arguments)
    {
        var server = new ToolCallingChatServer(arguments.ToJsonString());
        server._host = await PeerHost.StartAsync(app => app.Run(server.AnswerAsync));
        return server;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _host?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task AnswerAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path != "/v1/chat/completions")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!;
        _requests.Enqueue(body);
        var tool = body["tools"]?[0]?["function"]?["name"]?.GetValue<string>();
        var finish = tool is null ? "stop" : "tool_calls";
        var thinks = body["chat_template_kwargs"]?["enable_thinking"]?.GetValue<bool>() == true;
        if (body["stream"]?.GetValue<bool>() != true)
        {
            var message = tool is null
                ? new JsonObject { ["role"] = "assistant", ["content"] = Text }
                : new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = new JsonArray(Call(tool, _arguments, withId: true)) };
            if (thinks)
            {
                message["reasoning_content"] = Thought;
            }

            await context.Response.WriteAsJsonAsync(Completion("chat.completion", new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finish }), context.RequestAborted);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var half = _arguments.Length / 2;
        JsonObject[] deltas = tool is null
            ? [new JsonObject { ["role"] = "assistant", ["content"] = Text }]
            :
            [
                // The name and id come first with no arguments; the arguments follow in pieces that are not JSON alone.
                new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = new JsonArray(Call(tool, "", withId: true)) },
                new JsonObject { ["tool_calls"] = new JsonArray(Call(null, _arguments[..half], withId: false)) },
                new JsonObject { ["tool_calls"] = new JsonArray(Call(null, _arguments[half..], withId: false)) },
            ];
        if (thinks)
        {
            await EventAsync(context, Completion("chat.completion.chunk", new JsonObject
            {
                ["index"] = 0, ["delta"] = new JsonObject { ["role"] = "assistant", ["reasoning_content"] = Thought }, ["finish_reason"] = null,
            }));
        }

        foreach (var delta in deltas)
        {
            await EventAsync(context, Completion("chat.completion.chunk", new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = null }));
        }

        await EventAsync(context, Completion("chat.completion.chunk", new JsonObject { ["index"] = 0, ["delta"] = new JsonObject(), ["finish_reason"] = finish }));
        var usage = Completion("chat.completion.chunk", null);
        usage["usage"] = new JsonObject { ["prompt_tokens"] = 5, ["completion_tokens"] = 7, ["total_tokens"] = 12 };
        await EventAsync(context, usage);
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
    }

    private static JsonObject Call(string? name, string arguments, bool withId)
    {
        var function = new JsonObject { ["arguments"] = arguments };
        if (name is not null)
        {
            function.Insert(0, "name", name);
        }

        var call = new JsonObject { ["index"] = 0, ["function"] = function };
        if (withId)
        {
            call["id"] = CallId;
            call["type"] = "function";
        }

        return call;
    }

    private static JsonObject Completion(string kind, JsonObject? choice) => new()
    {
        ["id"] = "chatcmpl-peer",
        ["object"] = kind,
        ["created"] = 0,
        ["model"] = "peer",
        ["choices"] = choice is null ? new JsonArray() : new JsonArray(choice),
    };

    private static async Task EventAsync(HttpContext context, JsonObject data)
    {
        await context.Response.WriteAsync($"data: {data.ToJsonString()}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
