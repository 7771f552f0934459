using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lamina.Shared.Hosting;

namespace Lamina.AppHost.Tests;

[Collection(SystemCollection.Name)]
public sealed class MachineThroughGatewayTests(SystemFixture fixture)
{
    [Fact]
    public async Task GpusAreListedOrTheReasonThereAreNoneIsGiven()
    {
        var answer = (await fixture.System.Gateway.GetFromJsonAsync<JsonObject>("/gpus"))!;

        var gpus = answer["gpus"]!.AsArray();
        Assert.Equal(gpus.Count, answer["count"]!.GetValue<int>());
        if (LocalMachine.FindOnPath("nvidia-smi") is null)
        {
            Assert.Empty(gpus);
            Assert.Contains("nvidia-smi is not installed", answer["reason"]!.GetValue<string>());
        }
        else
        {
            Assert.All(gpus, gpu => Assert.StartsWith("GPU-", gpu!["uuid"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task BackendsKeepLaminaLlmServeShapeAndSayWhyOneIsMissing()
    {
        var answer = (await fixture.System.Gateway.GetFromJsonAsync<JsonObject>("/backends?refresh=true"))!;

        var backends = answer["backends"]!.AsObject();
        Assert.Equal(["embedded", "llama.cpp", "mlc", "vllm"], backends.Select(pair => pair.Key).Order());
        Assert.Equal(4, answer["total_configured"]!.GetValue<int>());
        Assert.True(backends["embedded"]!["available"]!.GetValue<bool>());
        Assert.Contains("embedded", answer["available"]!.AsArray().Select(name => name!.GetValue<string>()));
        Assert.Equal(answer["available"]!.AsArray().Count, answer["total_available"]!.GetValue<int>());
        if (LocalMachine.FindOnPath("vllm") is null)
        {
            Assert.Equal("'vllm' is not installed (not on PATH); install it or set Lamina:Runner:VllmPath to its path", backends["vllm"]!["reason"]!.GetValue<string>());
        }
    }
}
