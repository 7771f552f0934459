using System.Diagnostics;
using System.Text;
using Lamina.Gateway.Telemetry;

namespace Lamina.Gateway.Tests;

public sealed class MeteredBodyTests
{
    [Fact]
    public async Task AStreamPassesUnchangedAndItsUsageIsReadFromItsTailEvenWhenAWriteSplitsIt()
    {
        var stream = string.Concat(
            "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":null}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"he\"}}]}\n\n",
            "data: {\"choices\":[{\"finish_reason\":\"stop\",\"delta\":{}}]}\n\n",
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14}}\n\ndata: [DONE]\n\n");
        var bytes = Encoding.UTF8.GetBytes(stream);
        using var sink = new MemoryStream();
        using var body = new MeteredBody(sink, Stopwatch.GetTimestamp());

        // Writes of 5 bytes split every key somewhere.
        for (var at = 0; at < bytes.Length; at += 5)
        {
            await body.WriteAsync(bytes.AsMemory(at, Math.Min(5, bytes.Length - at)));
        }

        Assert.Equal(stream, Encoding.UTF8.GetString(sink.ToArray()));
        Assert.Equal((12L, 2L), body.Usage());
        Assert.NotNull(body.FirstByte);
    }

    [Fact]
    public void LlamaCppsTimingsOnTheLastChunkCountWhereTheClientAskedForNoUsage()
    {
        using var body = new MeteredBody(Stream.Null, Stopwatch.GetTimestamp());
        body.Write(Encoding.UTF8.GetBytes("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n"));
        body.Write(Encoding.UTF8.GetBytes(
            "data: {\"choices\":[{\"finish_reason\":\"length\",\"delta\":{}}],\"timings\":{\"prompt_n\":9,\"prompt_ms\":1.5,\"predicted_n\":16,\"predicted_ms\":20.1}}\n\ndata: [DONE]\n\n"));

        Assert.Equal((9L, 16L), body.Usage());
    }

    [Fact]
    public void AStreamWithoutAnyCountHasNone()
    {
        using var body = new MeteredBody(Stream.Null, Stopwatch.GetTimestamp());
        body.Write(Encoding.UTF8.GetBytes("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n"));

        Assert.Equal(((long?)null, (long?)null), body.Usage());
    }

    [Fact]
    public void AJsonBodysUsageAndAnOllamaLinesCountsAreRead()
    {
        using var openAi = new MeteredBody(Stream.Null, Stopwatch.GetTimestamp());
        openAi.Write(Encoding.UTF8.GetBytes("{\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\": 7,\"completion_tokens\": 5}}"));
        using var ollama = new MeteredBody(Stream.Null, Stopwatch.GetTimestamp());
        ollama.Write(Encoding.UTF8.GetBytes("{\"done\":false}\n{\"done\":true,\"prompt_eval_count\":9,\"eval_count\":4}\n"));

        Assert.Equal((7L, 5L), openAi.Usage());
        Assert.Equal((9L, 4L), ollama.Usage());
    }

    [Fact]
    public void SSECommentsDoNotCountAsTheFirstByte()
    {
        using var body = new MeteredBody(Stream.Null, Stopwatch.GetTimestamp());
        body.Write(": loading model 'tiny'\n\n"u8);

        Assert.Null(body.FirstByte);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(5000)]
    public void OnlyTheTailIsKeptSoALongBodyCostsNoMemoryWhateverTheSizeOfItsWrites(int size)
    {
        using var body = new MeteredBody(Stream.Null, Stopwatch.GetTimestamp());
        var usage = Encoding.UTF8.GetBytes("{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}");
        var end = Encoding.UTF8.GetBytes("{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}");
        byte[] stream = [.. usage, .. new byte[10_000], .. end];

        foreach (var piece in stream.Chunk(size))
        {
            body.Write(piece);
        }

        Assert.Equal((3L, 4L), body.Usage());
        using var forgotten = new MeteredBody(Stream.Null, Stopwatch.GetTimestamp());
        foreach (var piece in ((byte[])[.. usage, .. new byte[10_000]]).Chunk(size))
        {
            forgotten.Write(piece);
        }

        Assert.Equal(((long?)null, (long?)null), forgotten.Usage());
    }
}
