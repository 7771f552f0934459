using System.Net;
using System.Text.RegularExpressions;

namespace Lamina.Engine.Tests;

/// <summary>One slot (-np 1) and a long context, so that requests overlap and a stream can be left mid-way.</summary>
public sealed partial class SlotTests(LongContextEngineFixture fixture) : IClassFixture<LongContextEngineFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private static object Chat(int maxTokens, bool stream = false) => new
    {
        messages = new[] { new { role = "user", content = "Tell a long story." } },
        max_tokens = maxTokens,
        seed = 11,
        ignore_eos = true,
        stream,
    };

    [Fact]
    public async Task SecondRequestOnOneSlotWaitsItsTurnAndSucceeds()
    {
        var first = _client.PostJsonAsync("v1/chat/completions", Chat(maxTokens: 300));
        var second = _client.PostJsonAsync("v1/chat/completions", Chat(maxTokens: 300));

        foreach (var response in await Task.WhenAll(first, second))
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(300, (await response.ReadJsonAsync()).GetProperty("usage").Number("completion_tokens"));
            }
        }
    }

    [Fact]
    public async Task ClientLeavingMidStreamStopsItsGenerationAndFreesTheSlot()
    {
        const int asked = LongContextEngineFixture.ContextSize - 100;
        using (var response = await _client.PostStreamingAsync("v1/chat/completions", Chat(asked, stream: true)))
        {
            var contentChunks = 0;
            await foreach (var data in response.EventsAsync())
            {
                if (data.Contains("\"content\":\"", StringComparison.Ordinal) && ++contentChunks == 3)
                    break;
            }
        }

        // Leaving closes the connection; the engine notices, stops early and says so.
        var line = await fixture.Engine.WaitForLogAsync(l => l.Contains("client went away", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        var generated = int.Parse(WentAwayAfter().Match(line).Groups["tokens"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(generated, 1, asked - 1);

        using var next = await _client.PostJsonAsync("v1/chat/completions", Chat(maxTokens: 5));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(5, (await next.ReadJsonAsync()).GetProperty("usage").Number("completion_tokens"));
    }

    [GeneratedRegex(@"went away after (?<tokens>\d+) tokens")]
    private static partial Regex WentAwayAfter();
}
