using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Lamina.TestSupport.Aspire;
using Lamina.TestSupport.Gguf;
using OllamaSharp;
using OllamaSharp.Models;
using OllamaSharp.Models.Chat;
using OllamaSharp.Models.Exceptions;

namespace Lamina.AppHost.Tests;

/// <summary>Ollama's own .NET client, unchanged, against the gateway's <c>/api</c>.</summary>
[Collection(SystemCollection.Name)]
public sealed class OllamaThroughGatewayTests(SystemFixture fixture) : IAsyncLifetime
{
    private const string Tiny = LaminaSystem.TinyModel;

    private readonly OllamaApiClient _ollama = new(fixture.System.Gateway);

    private HttpClient Gateway => fixture.System.Gateway;

    private string _manifest = "";

    [Fact]
    public async Task VersionIsOneOllamaClientsUnderstand()
    {
        var version = await _ollama.GetVersionAsync();

        Assert.True(Version.TryParse(version.ToString(), out var parsed) && parsed.Major == 0 && parsed.Minor >= 5, $"version {version}");
        Assert.Equal("Ollama is running", await Gateway.GetStringAsync("/"));
    }

    [Fact]
    public async Task TagsListTheModelsOnDiskUnderTheNamesChatTakes()
    {
        var models = (await _ollama.ListLocalModelsAsync()).ToList();

        var tiny = Assert.Single(models, model => model.Name == Tiny);
        Assert.True(tiny.Size > 0);
        Assert.Matches("^[0-9a-f]{64}$", tiny.Digest);
        Assert.Equal("llama", tiny.Details.Family);
        Assert.Equal("gguf", tiny.Details.Format);
        Assert.True(tiny.ModifiedAt > DateTime.UnixEpoch);
        Assert.DoesNotContain(models, model => model.Name == LaminaSystem.AbsentModel);
    }

    [Fact]
    public async Task ChatNotStreamedAnswersInOneObjectWithTheCounts()
    {
        var request = Chat(Tiny, stream: false, predict: 8);
        // The embedded engine's templates take no switches: think is passed on, and no reason to refuse.
        request.Think = false;

        var replies = await ToListAsync(_ollama.ChatAsync(request));

        var done = Assert.IsType<ChatDoneResponseStream>(Assert.Single(replies));
        Assert.True(done.Done);
        Assert.Equal(ChatRole.Assistant, done.Message.Role);
        Assert.False(string.IsNullOrEmpty(done.Message.Content));
        Assert.InRange(done.EvalCount, 1, 8);
        Assert.True(done.PromptEvalCount > 0);
        Assert.True(done.TotalDuration >= done.EvalDuration && done.EvalDuration > 0);
    }

    [Fact]
    public async Task ChatStreamsTokensAndEndsWithDoneAndTheCounts()
    {
        var replies = await ToListAsync(_ollama.ChatAsync(Chat(Tiny, stream: true, predict: 12)));

        Assert.True(replies.Count >= 3, $"{replies.Count} lines");
        Assert.All(replies[..^1], reply => Assert.False(reply!.Done));
        var done = Assert.IsType<ChatDoneResponseStream>(replies[^1]);
        Assert.True(done.EvalCount > 0);
        Assert.Contains(done.DoneReason, new[] { "stop", "length" });
        Assert.False(string.IsNullOrEmpty(string.Concat(replies.Select(reply => reply!.Message.Content))));
    }

    [Fact]
    public async Task NameWithTheLatestTagFindsTheModel()
    {
        var replies = await ToListAsync(_ollama.ChatAsync(Chat($"{Tiny}:latest", stream: false, predict: 2)));

        Assert.Equal($"{Tiny}:latest", Assert.Single(replies)!.Model);
    }

    [Fact]
    public async Task AManifestAliasFindsItsModelForShowAndChat()
    {
        using var put = await fixture.System.Gateway.PutAsJsonAsync("/models/aliased", new { path = "tiny.gguf", backend = "embedded", aliases = new[] { "tiny-ollama:1b" } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());

        // The gateway reads aliases again when the Registry announces the new manifest.
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await _ollama.ShowModelAsync(new ShowModelRequest { Model = "tiny-ollama:1b" })).Details?.Family is not null;
            }
            catch (Exception e) when (e is OllamaException or HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(5)));
        var chat = await ToListAsync(_ollama.ChatAsync(Chat("tiny-ollama:1b", stream: false, predict: 2)));

        Assert.True(Assert.Single(chat)!.Done);
        await fixture.System.Gateway.PostAsync("/models/aliased/stop", null);
    }

    [Fact]
    public async Task GenerateCompletesAPromptAndRawSkipsTheTemplate()
    {
        var request = new GenerateRequest { Model = Tiny, Prompt = "Once upon a time", Options = new RequestOptions { NumPredict = 6, Seed = 7 } };
        var lines = await ToListAsync(_ollama.GenerateAsync(request));
        var raw = await ToListAsync(_ollama.GenerateAsync(new GenerateRequest { Model = Tiny, Prompt = "Once upon a time", Raw = true, Stream = false, Options = request.Options }));

        var done = Assert.IsType<GenerateDoneResponseStream>(lines[^1]);
        Assert.True(done.EvalCount > 0);
        Assert.False(string.IsNullOrEmpty(string.Concat(lines.Select(line => line!.Response))));
        Assert.True(Assert.IsType<GenerateDoneResponseStream>(Assert.Single(raw)).EvalCount > 0);
    }

    [Fact]
    public async Task RunningModelsShowTinyAfterAChatAndTheContextItAskedFor()
    {
        var chat = Chat(Tiny, stream: false, predict: 2);
        chat.Options!.NumCtx = 128;
        chat.KeepAlive = "10m";
        var before = DateTime.UtcNow;
        await ToListAsync(_ollama.ChatAsync(chat));
        var after = DateTime.UtcNow;

        var running = (await _ollama.ListRunningModelsAsync()).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var later = (await _ollama.ListRunningModelsAsync()).ToList();

        var tiny = Assert.Single(running, model => model.Name == Tiny);
        Assert.Equal(128, tiny.ContextLength);
        Assert.Equal("llama", tiny.Details.Family);
        // Ten minutes from the chat's end, however often it is asked.
        Assert.InRange(tiny.ExpiresAt.ToUniversalTime(), before.AddMinutes(10), after.AddMinutes(10).AddSeconds(1));
        Assert.Equal(tiny.ExpiresAt, Assert.Single(later, model => model.Name == Tiny).ExpiresAt);
    }

    [Fact]
    public async Task AModelKeptLoadedForeverExpiresInTheFarFutureAsOllamaSays()
    {
        var chat = Chat(Tiny, stream: false, predict: 2);
        chat.KeepAlive = "-1";
        await ToListAsync(_ollama.ChatAsync(chat));

        var tiny = Assert.Single(await _ollama.ListRunningModelsAsync(), model => model.Name == Tiny);

        Assert.True(tiny.ExpiresAt.ToUniversalTime() > DateTime.UtcNow.AddYears(100), $"expires at {tiny.ExpiresAt:O}");
        await fixture.System.Gateway.PostAsync($"/models/{Tiny}/stop", null);
    }

    [Fact]
    public async Task ShowGivesDetailsAndTheGgufFacts()
    {
        var shown = await _ollama.ShowModelAsync(new ShowModelRequest { Model = Tiny });

        Assert.Equal("llama", shown.Details.Family);
        Assert.Equal("llama", shown.Info.Architecture);
        Assert.Contains("FROM ", shown.Modelfile);
        using var missing = await Gateway.PostAsJsonAsync("/api/show", new { name = "no-such-model" });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("model 'no-such-model' not found", await ErrorOf(missing));
    }

    [Fact]
    public async Task ShowGivesTheGgufChatTemplateAndOnlyTheCapabilitiesItSupports()
    {
        const string toolTemplate = "{% if tools %}{{ tools | tojson }}{% endif %}" + TinyGguf.ChatTemplate;
        TinyGguf.Write(Path.Combine(fixture.System.Root, "models", "tools.gguf"), chatTemplate: toolTemplate);
        using var put = await Gateway.PutAsJsonAsync("/models/with-tools", new { path = "tools.gguf", backend = "embedded" });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        using var embedder = await Gateway.PutAsJsonAsync("/models/embedder", new { path = "tiny.gguf", backend = "embedded", use_cases = new[] { "embeddings" } });
        Assert.True(embedder.IsSuccessStatusCode, await embedder.Content.ReadAsStringAsync());
        // As Qwen3's: a switch that think sets, and the block the model thinks in.
        const string thinkingTemplate = "{% if enable_thinking is defined and not enable_thinking %}<think>\n\n</think>{% endif %}" + TinyGguf.ChatTemplate;
        TinyGguf.Write(Path.Combine(fixture.System.Root, "models", "thinks.gguf"), chatTemplate: thinkingTemplate);
        using var thinker = await Gateway.PutAsJsonAsync("/models/thinker", new { path = "thinks.gguf", backend = "embedded" });
        Assert.True(thinker.IsSuccessStatusCode, await thinker.Content.ReadAsStringAsync());

        var tiny = await _ollama.ShowModelAsync(new ShowModelRequest { Model = Tiny });
        var tools = await _ollama.ShowModelAsync(new ShowModelRequest { Model = "with-tools" });
        var embeds = await _ollama.ShowModelAsync(new ShowModelRequest { Model = "embedder" });
        var thinks = await _ollama.ShowModelAsync(new ShowModelRequest { Model = "thinker" });

        Assert.Equal(TinyGguf.ChatTemplate, tiny.Template);
        Assert.Equal(["completion"], tiny.Capabilities!);
        Assert.Equal(toolTemplate, tools.Template);
        Assert.Equal(["completion", "tools"], tools.Capabilities!);
        Assert.Equal(["embedding"], embeds.Capabilities!);
        Assert.Equal(["completion", "thinking"], thinks.Capabilities!);
    }

    [Fact]
    public async Task PullFromTheOllamaRegistryReportsProgressThenSuccessAndDeleteRemovesIt()
    {
        using var weights = new MemoryStream();
        TinyGguf.Write(weights);
        fixture.Ollama.AddModel("pullme", "1b", weights.ToArray(), template: "{{ .Prompt }}");

        var statuses = await ToListAsync(_ollama.PullModelAsync(new PullModelRequest { Model = "pullme:1b" }));

        Assert.Equal("pulling manifest", statuses[0]!.Status);
        Assert.Equal("success", statuses[^1]!.Status);
        var layer = statuses.Where(status => status!.Digest is not null).ToList();
        Assert.NotEmpty(layer);
        Assert.All(layer, status => Assert.StartsWith("sha256:", status!.Digest));
        Assert.True(layer[^1]!.Total >= weights.Length && layer[^1]!.Completed == layer[^1]!.Total, $"{layer[^1]!.Completed} of {layer[^1]!.Total}");
        Assert.Equal(["verifying sha256 digest", "writing manifest", "success"], statuses[^3..].Select(status => status!.Status));
        Assert.Contains(await _ollama.ListLocalModelsAsync(), model => model.Name == "pullme:1b");
        var chat = await ToListAsync(_ollama.ChatAsync(Chat("pullme:1b", stream: false, predict: 2)));
        Assert.True(Assert.Single(chat)!.Done);

        await _ollama.DeleteModelAsync(new DeleteModelRequest { Model = "pullme:1b" });

        Assert.DoesNotContain(await _ollama.ListLocalModelsAsync(), model => model.Name == "pullme:1b");
        var folder = Path.Combine(fixture.System.Root, "models", "pullme:1b");
        // The weights, the template layer kept beside them, and their folder.
        Assert.False(Directory.Exists(folder), $"files outlived the delete: {(Directory.Exists(folder) ? string.Join(", ", Directory.EnumerateFileSystemEntries(folder)) : "")}");
        using var again = await Gateway.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/delete") { Content = JsonContent.Create(new { model = "pullme:1b" }) });
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task PullOfANameTheRegistryLacksEndsWithItsError()
    {
        using var response = await Gateway.PostAsJsonAsync("/api/pull", new { model = "never-published:7b", stream = false });

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("the Ollama registry has no 'never-published:7b'", await ErrorOf(response));
    }

    [Fact]
    public async Task UnknownModelIsNotFoundInOllamasWords()
    {
        using var response = await Gateway.PostAsJsonAsync("/api/chat", new { model = "no-such-model", messages = new[] { new { role = "user", content = "hi" } } });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model \"no-such-model\" not found, try pulling it first", await ErrorOf(response));
        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => ToListAsync(_ollama.ChatAsync(Chat("no-such-model", stream: true, predict: 2))));
        Assert.Equal(HttpStatusCode.NotFound, thrown.StatusCode);
    }

    [Fact]
    public async Task BadBodyIsRefusedNamingTheField()
    {
        using var response = await Gateway.PostAsync("/api/chat", new StringContent("{\"model\": \"tiny\", \"messages\": 5}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("messages", await ErrorOf(response));
        var thrown = await Assert.ThrowsAsync<OllamaException>(() => ToListAsync(_ollama.ChatAsync(new ChatRequest { Model = "" , Messages = [] })));
        Assert.Contains("model is required", thrown.Message);
    }

    [Fact]
    public async Task StreamedAnswerIsNdjsonWithOneObjectPerLineFlushedAsMade()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/generate")
        {
            Content = JsonContent.Create(new { model = Tiny, prompt = "Tell me a story", options = new { num_predict = 40, seed = 7 } }),
        };
        using var response = await Gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<JsonObject>();
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Add(Assert.IsType<JsonObject>(JsonNode.Parse(line)));
        }

        Assert.True(lines.Count >= 2);
        Assert.All(lines[..^1], line => Assert.False(line["done"]!.GetValue<bool>()));
        Assert.True(lines[^1]["done"]!.GetValue<bool>());
        Assert.True(lines[^1]["eval_count"]!.GetValue<int>() > 0);
        Assert.EndsWith("Z", lines[0]["created_at"]!.GetValue<string>());
    }

    [Fact]
    public async Task EmbedAndTheOlderEmbeddingsGiveTheEnginesVectors()
    {
        var embedded = await _ollama.EmbedAsync(new EmbedRequest { Model = Tiny, Input = ["hello", "world"] });
        using var older = await fixture.System.Gateway.PostAsJsonAsync("/api/embeddings", new { model = Tiny, prompt = "hello" });
        var single = (await older.Content.ReadFromJsonAsync<JsonObject>())!["embedding"]!.AsArray().Select(x => x!.GetValue<float>()).ToArray();

        Assert.Equal(2, embedded.Embeddings.Count);
        Assert.NotEqual(embedded.Embeddings[0], embedded.Embeddings[1]);
        Assert.Equal(embedded.Embeddings[0], single);
        Assert.True(embedded.PromptEvalCount > 0);
    }

    public async Task InitializeAsync() => _manifest = await File.ReadAllTextAsync(fixture.System.ManifestPath);

    public async Task DisposeAsync()
    {
        _ollama.Dispose();
        await fixture.RestoreManifestAsync(_manifest);
    }

    private static ChatRequest Chat(string model, bool stream, int predict) => new()
    {
        Model = model,
        Messages = [new Message(ChatRole.User, "Say hello.")],
        Stream = stream,
        Options = new RequestOptions { NumPredict = predict, Seed = 7 },
    };

    private static async Task<string> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>();

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
