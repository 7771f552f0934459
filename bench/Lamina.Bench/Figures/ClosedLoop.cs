using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Lamina.Bench.Figures;

/// <summary>
/// Closed-loop load on one OpenAI-compatible endpoint: each of N clients sends its next chat request once it has
/// read the last answer to its end (a stream to its <c>data: [DONE]</c>), all over one connection pool.
/// </summary>
internal sealed class ClosedLoop(Uri baseAddress) : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        // One connection per client and then some: 1,000 streams at once must not queue for a connection.
        MaxConnectionsPerServer = 4096,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Runs <paramref name="clients"/> clients for <paramref name="duration"/>, adding what they saw to <paramref name="into"/> (null: a warm-up that keeps nothing).</summary>
    public async Task RunAsync(byte[] body, bool stream, int clients, TimeSpan duration, Tally? into)
    {
        var clock = Stopwatch.StartNew();
        var workers = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var seen = new List<TimeSpan>();
            var errors = 0;
            var buffer = new byte[16 * 1024];
            while (clock.Elapsed < duration)
            {
                var sent = Stopwatch.GetTimestamp();
                if (await SendAsync(body, stream, buffer))
                {
                    seen.Add(Stopwatch.GetElapsedTime(sent));
                }
                else
                {
                    errors++;
                }
            }

            return (seen, errors);
        })));
        into?.Add(clock.Elapsed, workers.SelectMany(worker => worker.seen), workers.Sum(worker => worker.errors));
    }

    /// <summary>Sends one chat request; true when it was answered 200 and, for a stream, ended with <c>data: [DONE]</c>.</summary>
    public async Task<bool> SendAsync(byte[] body, bool stream, byte[] buffer)
    {
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = Json;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var answer = await response.Content.ReadAsStreamAsync();
            var length = await ReadToEndAsync(answer, buffer);
            return response.StatusCode == HttpStatusCode.OK
                && (!stream || buffer.AsSpan(0, length).TrimEnd("\r\n"u8).EndsWith("data: [DONE]"u8));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Reads the answer to its end; the buffer keeps at least its last bytes when the answer is longer.</summary>
    private static async Task<int> ReadToEndAsync(Stream answer, byte[] buffer)
    {
        const int Kept = 64;
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                buffer.AsSpan(length - Kept).CopyTo(buffer);
                length = Kept;
            }

            var read = await answer.ReadAsync(buffer.AsMemory(length));
            if (read == 0)
            {
                return length;
            }

            length += read;
        }
    }
}
