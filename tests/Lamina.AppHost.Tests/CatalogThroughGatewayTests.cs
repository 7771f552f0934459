using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lamina.TestSupport.Aspire;

namespace Lamina.AppHost.Tests;

[Collection(SystemCollection.Name)]
public sealed class CatalogThroughGatewayTests(SystemFixture fixture)
{
    private HttpClient Gateway => fixture.System.Gateway;

    [Fact]
    public async Task ModelsListKeepsLaminaLlmServeShape()
    {
        var body = (await Gateway.GetFromJsonAsync<JsonObject>("/models"))!;

        Assert.Equal(3, body["total"]!.GetValue<int>());
        Assert.Equal(2, body["available"]!.GetValue<int>());
        Assert.NotNull(body["active"]);
        var tiny = body["models"]![LaminaSystem.TinyModel]!;
        Assert.True(tiny["available"]!.GetValue<bool>());
        Assert.Equal("tiny.gguf", tiny["path"]!.GetValue<string>());
        Assert.Equal("llama.cpp", tiny["backend"]!.GetValue<string>());
        Assert.Equal("F32", tiny["quantization"]!.GetValue<string>());
        var absent = body["models"]![LaminaSystem.AbsentModel]!;
        Assert.False(absent["available"]!.GetValue<bool>());
        Assert.Equal("example/absent-GGUF", absent["download"]!["huggingface"]!["repo_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task OneModelShowsWhatItsGgufHeaderSays()
    {
        var tiny = (await Gateway.GetFromJsonAsync<JsonObject>($"/models/{LaminaSystem.TinyModel}"))!;

        var metadata = tiny["metadata"]!;
        Assert.Equal("llama", metadata["architecture"]!.GetValue<string>());
        Assert.Equal(256, metadata["context_length"]!.GetValue<int>());
        Assert.True(metadata["has_chat_template"]!.GetValue<bool>());
        Assert.True(metadata["parameter_count"]!.GetValue<long>() > 10_000);
        Assert.True(metadata["estimated_memory_bytes"]!.GetValue<long>() > new FileInfo(Path.Combine(fixture.System.Root, "models", "tiny.gguf")).Length);
        Assert.StartsWith("F16", metadata["quantization"]!.GetValue<string>());
    }

    [Fact]
    public async Task OneModelShowsWhyItIsUnavailable()
    {
        var absent = (await Gateway.GetFromJsonAsync<JsonObject>($"/models/{LaminaSystem.AbsentModel}"))!;

        Assert.False(absent["available"]!.GetValue<bool>());
        Assert.Equal("missing", absent["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownModelIsAProblemNamingTheKnownOnes()
    {
        using var response = await Gateway.GetAsync("/models/nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("known models: absent, broken, tiny", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenAiModelListHasEveryModelWithItsState()
    {
        var body = (await Gateway.GetFromJsonAsync<JsonObject>("/v1/models"))!;

        Assert.Equal("list", body["object"]!.GetValue<string>());
        var ids = body["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).Order().ToList();
        Assert.Equal([LaminaSystem.AbsentModel, LaminaSystem.BrokenModel, LaminaSystem.TinyModel], ids);
    }

    [Fact]
    public async Task GatewayReportsHealthy()
    {
        using var response = await Gateway.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
