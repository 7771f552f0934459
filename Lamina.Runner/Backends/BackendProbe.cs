namespace Lamina.Runner.Backends;

/// <summary>Waits until a backend's readiness check returns 200, the backend fails, or time runs out.</summary>
public sealed class BackendProbe(TimeProvider time) : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    // A plain client: polls are many and cheap, and must not be retried, logged or discovered.
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2) })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>
    /// True once <paramref name="readiness"/> returns 200 (llama-server returns 503 while it loads, vLLM and MLC
    /// refuse connections until loaded); false when the process exited first. Throws <see cref="TimeoutException"/> past the deadline.
    /// <paramref name="responding"/> runs once, when the backend first responds without being ready (llama-server's 503 while it loads).
    /// </summary>
    public async Task<bool> WaitReadyAsync(string readiness, BackendProcess process, TimeSpan timeout, Action? responding, CancellationToken cancellationToken)
    {
        var health = new Uri(readiness);
        var deadline = time.GetUtcNow() + timeout;
        while (!process.Exited.IsCompleted)
        {
            if (time.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"the backend did not become ready within {timeout}");
            }

            try
            {
                using var response = await _http.GetAsync(health, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }

                responding?.Invoke();
                responding = null;
            }
            catch (HttpRequestException)
            {
                // Not listening yet: llama-server refuses connections until it binds.
            }

            await Task.WhenAny(process.Exited, Task.Delay(Interval, time, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }

        return false;
    }

    public void Dispose() => _http.Dispose();
}
