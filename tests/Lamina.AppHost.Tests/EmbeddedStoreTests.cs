using System.Net;
using System.Net.Http.Json;
using Lamina.TestSupport.Aspire;

namespace Lamina.AppHost.Tests;

/// <summary>A system of its own on the embedded store, shut down inside the test to look for leftovers.</summary>
public sealed class EmbeddedStoreTests
{
    [Fact]
    public async Task SystemOnEmbeddedStoreChatsAndLeavesNoProcessBehind()
    {
        var system = await LaminaSystem.StartAsync("embedded");
        try
        {
            using var response = await system.Gateway.PostAsJsonAsync("/v1/chat/completions", new
            {
                model = LaminaSystem.TinyModel,
                messages = new[] { new { role = "user", content = "Hi" } },
                max_tokens = 4,
                ignore_eos = true,
            });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEmpty(system.ProcessesLeft());
        }
        finally
        {
            await system.DisposeAsync();
        }

        Assert.Empty(system.ProcessesLeft());
        system.DeleteFiles();
    }
}
