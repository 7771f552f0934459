using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lamina.Shared.Hosting;

namespace Lamina.AppHost.Tests;

[Collection(SystemCollection.Name)]
public sealed class GpusThroughGatewayTests(SystemFixture fixture)
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
}
