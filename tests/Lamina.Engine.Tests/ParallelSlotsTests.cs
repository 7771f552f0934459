using System.Net;

namespace Lamina.Engine.Tests;

public sealed class ParallelSlotsTests(ParallelEngineFixture fixture) : IClassFixture<ParallelEngineFixture>
{
    private const int LongAnswer = LongContextEngineFixture.ContextSize - 100;

    private static object Chat(int maxTokens, bool stream) => new
    {
        messages = new[] { new { role = "user", content = "Tell a long story." } },
        max_tokens = maxTokens,
        seed = 5,
        ignore_eos = true,
        stream,
    };

    [Fact]
    public async Task SecondSlotAnswersWhileTheFirstIsStillGenerating()
    {
        using var longStream = await fixture.Client.PostStreamingAsync("v1/chat/completions", Chat(LongAnswer, stream: true));
        await using var longEvents = longStream.EventsAsync().GetAsyncEnumerator();
        for (var chunks = 0; chunks < 3 && await longEvents.MoveNextAsync();)
            chunks += longEvents.Current.Contains("\"content\":\"", StringComparison.Ordinal) ? 1 : 0;

        using var shortAnswer = await fixture.Client.PostJsonAsync("v1/chat/completions", Chat(5, stream: false));

        Assert.Equal(HttpStatusCode.OK, shortAnswer.StatusCode);
        Assert.Equal(5, (await shortAnswer.ReadJsonAsync()).GetProperty("usage").Number("completion_tokens"));
        // With one slot the short answer would have waited for the long one to finish.
        Assert.DoesNotContain($"{LongAnswer} generated tokens", fixture.Engine.Stderr, StringComparison.Ordinal);
    }
}
