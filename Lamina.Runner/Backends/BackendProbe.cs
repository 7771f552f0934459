namespace Lamina.Runner.Backends;

/// <summary>Waits until a backend answers its readiness check, fails, or runs out of time.</summary>
public sealed class BackendProbe(IHttpClientFactory clients, TimeProvider time)
{
    public const string ClientName = "backend-probe";

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    /// <summary>True when ready; false when the process exited first. Throws <see cref="TimeoutException"/> past the deadline.</summary>
    public async Task<bool> WaitReadyAsync(string endpoint, BackendProcess process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = clients.CreateClient(ClientName);
        http.Timeout = TimeSpan.FromSeconds(5);
        var deadline = time.GetUtcNow() + timeout;
        while (!process.Exited.IsCompleted)
        {
            if (time.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"the backend did not become ready within {timeout}");
            }

            try
            {
                using var response = await http.GetAsync($"{endpoint}/health", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
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
}
