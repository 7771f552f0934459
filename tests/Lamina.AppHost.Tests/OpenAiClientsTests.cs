using System.ClientModel;
using Lamina.TestSupport.Aspire;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace Lamina.AppHost.Tests;

/// <summary>The official OpenAI .NET SDK and Microsoft.Extensions.AI against /v1, unchanged but for the endpoint.</summary>
[Collection(SystemCollection.Name)]
public sealed class OpenAiClientsTests(SystemFixture fixture)
{
    private OpenAIClient Client => new(new ApiKeyCredential("no-key-needed"), new OpenAIClientOptions { Endpoint = new Uri(fixture.System.Gateway.BaseAddress!, "/v1") });

    [Fact]
    public async Task TheOpenAiSdkChatsAndStreams()
    {
        var chat = Client.GetChatClient(LaminaSystem.TinyModel);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 8, Temperature = 0 };

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Say hello.")], options);
        var streamed = new List<string>();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Say hello.")], options))
        {
            streamed.AddRange(update.ContentUpdate.Select(part => part.Text));
        }

        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.InRange(completion.Usage.OutputTokenCount, 1, 8);
        Assert.True(streamed.Count >= 1, "no streamed content");
        Assert.Equal(completion.Content[0].Text, string.Concat(streamed));
    }

    [Fact]
    public async Task TheOpenAiSdkEmbeds()
    {
        var embeddings = Client.GetEmbeddingClient(LaminaSystem.TinyModel);

        var one = (await embeddings.GenerateEmbeddingAsync("the tiny model")).Value.ToFloats();
        var again = (await embeddings.GenerateEmbeddingAsync("the tiny model")).Value.ToFloats();

        Assert.True(one.Length > 0);
        Assert.Equal(one.ToArray(), again.ToArray());
        Assert.InRange(Math.Sqrt(one.ToArray().Sum(x => (double)x * x)), 0.999, 1.001);
    }

    [Fact]
    public async Task TheOpenAiSdkHearsWhyAnUnknownModelFails()
    {
        var chat = Client.GetChatClient("no-such-model");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(404, error.Status);
        Assert.Contains("The model 'no-such-model' does not exist", error.Message);
    }

    [Fact]
    public async Task TheOpenAiSdkReadsOneModelAndHearsWhenThereIsNone()
    {
        var models = Client.GetOpenAIModelClient();

        var tiny = (await models.GetModelAsync(LaminaSystem.TinyModel)).Value;
        var error = await Assert.ThrowsAsync<ClientResultException>(() => models.GetModelAsync("no-such-model"));

        Assert.Equal(LaminaSystem.TinyModel, tiny.Id);
        Assert.Equal("lamina", tiny.OwnedBy);
        Assert.Equal(404, error.Status);
        Assert.Contains("The model 'no-such-model' does not exist", error.Message);
    }

    [Fact]
    public async Task AStreamForAnUnknownModelIsRefusedWithNotFoundBeforeItBegins()
    {
        var chat = Client.GetChatClient("no-such-model");
        IChatClient extensions = Client.GetChatClient("no-such-model").AsIChatClient();

        var sdk = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in chat.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
            {
            }
        });
        var viaExtensions = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in extensions.GetStreamingResponseAsync("hi"))
            {
            }
        });

        Assert.Equal(404, sdk.Status);
        Assert.Contains("The model 'no-such-model' does not exist", sdk.Message);
        Assert.Equal(404, viaExtensions.Status);
    }

    [Fact]
    public async Task MicrosoftExtensionsAiChatsStreamsAndEmbeds()
    {
        IChatClient chat = Client.GetChatClient(LaminaSystem.TinyModel).AsIChatClient();
        var options = new ChatOptions { MaxOutputTokens = 8, Temperature = 0 };

        var response = await chat.GetResponseAsync("Say hello.", options);
        var streamed = new List<string>();
        await foreach (var update in chat.GetStreamingResponseAsync("Say hello.", options))
        {
            streamed.Add(update.Text);
        }

        using var embedder = Client.GetEmbeddingClient(LaminaSystem.TinyModel).AsIEmbeddingGenerator();
        var vectors = await embedder.GenerateAsync(["one", "two"]);

        Assert.Equal(ChatRole.Assistant, response.Messages[^1].Role);
        Assert.Equal(response.Text, string.Concat(streamed));
        Assert.Equal(2, vectors.Count);
        Assert.NotEqual(vectors[0].Vector.ToArray(), vectors[1].Vector.ToArray());
    }
}
