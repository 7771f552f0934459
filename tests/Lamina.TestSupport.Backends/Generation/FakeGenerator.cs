using System.Runtime.CompilerServices;
using System.Text.Json;
using Lamina.TestSupport.Backends.CommandLine;
using Lamina.TestSupport.Backends.Recording;

namespace Lamina.TestSupport.Backends.Generation;

/// <summary>
/// Deterministic "generation": the words of "hello from {personality}", at the pace LAMINA_FAKE_TOKEN_MS sets,
/// cut short by max_tokens, a client that leaves, or shutdown.
/// </summary>
internal sealed class FakeGenerator(
    BackendOptions options,
    FakeKnobs knobs,
    Recorder recorder,
    TimeProvider time,
    IHostApplicationLifetime lifetime)
{
    private int _lastId;

    public string Model => options.ModelId;

    public long Created => time.GetUtcNow().ToUnixTimeSeconds();

    public string NewId(string prefix) => $"{prefix}-fake{Interlocked.Increment(ref _lastId)}";

    /// <summary>The tokens a request will get: the whole reply, or its first <paramref name="maxTokens"/>.</summary>
    public IReadOnlyList<string> Plan(int? maxTokens)
    {
        string[] reply = ["hello", " from", " " + options.Personality.Name()];
        return maxTokens is { } max ? reply.Take(Math.Max(0, max)).ToList() : reply;
    }

    /// <summary>"length" when max_tokens cut the reply, else "stop".</summary>
    public static string FinishReason(IReadOnlyList<string> plan) => plan.Count < 3 ? "length" : "stop";

    /// <summary>
    /// Yields the planned tokens; stops without throwing when the client leaves or the server stops. A client that
    /// left is recorded as "cancelled", also when the stream's writer gave up on it first.
    /// </summary>
    public async IAsyncEnumerable<string> GenerateAsync(IReadOnlyList<string> plan, [EnumeratorCancellation] CancellationToken aborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, lifetime.ApplicationStopping);
        try
        {
            foreach (var token in plan)
            {
                if (knobs.TokenDelay > TimeSpan.Zero)
                    await Task.Delay(knobs.TokenDelay, time, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (stop.IsCancellationRequested)
                    yield break;
                yield return token;
            }
        }
        finally
        {
            if (aborted.IsCancellationRequested)
                recorder.Event("cancelled");
        }
    }

    /// <summary>Whether a stream ended early, so it must not claim completion with [DONE].</summary>
    public bool Interrupted(CancellationToken aborted) => aborted.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>A stand-in prompt length: the words in every string of the messages or prompt.</summary>
    public static int CountWords(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length,
        JsonValueKind.Array => element.EnumerateArray().Sum(CountWords),
        JsonValueKind.Object => element.EnumerateObject().Where(p => p.Name != "role").Sum(p => CountWords(p.Value)),
        _ => 0,
    };
}
