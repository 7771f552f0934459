using System.Diagnostics;
using System.Text;
using Lamina.Gateway.Telemetry;

namespace Lamina.Gateway.Tests;

public sealed class MeteredBodyTests
{
    [Fact]
    public async Task WithoutUsageTheChunksThatCarriedTextAreCountedEvenWhenAWriteSplitsOne()
    {
        var stream = string.Concat(
            "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":null}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"\"}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"he\"}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"ll\"}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"o\"}}]}\n\n",
            "data: {\"choices\":[{\"finish_reason\":\"stop\",\"delta\":{}}]}\n\ndata: [DONE]\n\n");
        var bytes = Encoding.UTF8.GetBytes(stream);
        using var sink = new MemoryStream();
        var body = new MeteredBody(sink, Stopwatch.GetTimestamp());

        // Writes of 5 bytes split every pattern somewhere.
        for (var at = 0; at < bytes.Length; at += 5)
        {
            await body.WriteAsync(bytes.AsMemory(at, Math.Min(5, bytes.Length - at)));
        }

        Assert.Equal(stream, Encoding.UTF8.GetString(sink.ToArray()));
        Assert.Equal(6, body.Events);
        Assert.Equal(3, body.TextEvents);
        Assert.Equal((null, null), body.Usage());
    }

    [Fact]
    public async Task AStreamPassesUnchangedWhileItsEventsAndUsageAreCounted()
    {
        var chunks = new[]
        {
            "data: {\"choices\":[{\"delta\":{\"content\":\"he\"}}]}\n\nda",
            "ta: {\"choices\":[{\"delta\":{\"content\":\"llo\"}}]}\n\n",
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14}}\n\ndata: [DONE]\n\n",
        };
        using var sink = new MemoryStream();
        var body = new MeteredBody(sink, Stopwatch.GetTimestamp());

        foreach (var chunk in chunks)
        {
            await body.WriteAsync(Encoding.UTF8.GetBytes(chunk));
        }

        Assert.Equal(string.Concat(chunks), Encoding.UTF8.GetString(sink.ToArray()));
        Assert.Equal(3, body.Events);
        Assert.Equal((12L, 2L), body.Usage());
        Assert.NotNull(body.FirstByte);
    }

    [Fact]
    public void EventsSplitAnywhereAcrossWritesAreCountedOnce()
    {
        var stream = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("data: {\"x\":1}\n\n", 5)) + "data: [DONE]\n\n");
        for (var size = 1; size <= 9; size++)
        {
            var body = new MeteredBody(Stream.Null, Stopwatch.GetTimestamp());
            foreach (var piece in stream.Chunk(size))
            {
                body.Write(piece);
            }

            Assert.Equal(5, body.Events);
        }
    }

    [Fact]
    public void AJsonAnswersUsageAndAnOllamaLinesCountsAreRead()
    {
        var openAi = new MeteredBody(Stream.Null, Stopwatch.GetTimestamp());
        openAi.Write(Encoding.UTF8.GetBytes("{\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\": 7,\"completion_tokens\": 5}}"));
        var ollama = new MeteredBody(Stream.Null, Stopwatch.GetTimestamp());
        ollama.Write(Encoding.UTF8.GetBytes("{\"done\":false}\n{\"done\":true,\"prompt_eval_count\":9,\"eval_count\":4}\n"));

        Assert.Equal((7L, 5L), openAi.Usage());
        Assert.Equal(0, openAi.Events);
        Assert.Equal((9L, 4L), ollama.Usage());
    }

    [Fact]
    public void OnlyTheTailIsKeptSoALongAnswerCostsNoMemory()
    {
        var body = new MeteredBody(Stream.Null, Stopwatch.GetTimestamp());
        body.Write(Encoding.UTF8.GetBytes("{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}"));
        body.Write(new byte[1 << 20]);

        Assert.Equal(((long?)null, (long?)null), body.Usage());
    }
}
