using System.Diagnostics;
using System.Globalization;
using Lamina.Shared.Hosting;

namespace Lamina.Bench.Figures;

/// <summary>
/// The embedded engine started by hand as the Runner starts it, once it answers <c>/health</c> as the Runner
/// polls it: the baseline of figures that compare asking through the gateway with asking the engine itself.
/// </summary>
internal sealed class DirectEngine : IAsyncDisposable
{
    private readonly Process _process;

    private DirectEngine(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>Starts the engine on <paramref name="model"/> under the alias <paramref name="name"/>, with the Runner's other <paramref name="arguments"/> (such as <c>-c</c>).</summary>
    public static async Task<DirectEngine> StartAsync(string model, string name, params IReadOnlyList<string> arguments)
    {
        var port = LocalMachine.FreePort().ToString(CultureInfo.InvariantCulture);
        var engine = Path.Combine(AppContext.BaseDirectory, "Lamina.Engine.dll");
        var process = Process.Start(new ProcessStartInfo(LocalMachine.DotnetHost(), ["exec", engine, "-m", model, "--host", "127.0.0.1", "--port", port, "-a", name, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = new DirectEngine(process, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            while (!await started.AnswersAsync())
            {
                await Task.Delay(10);
            }

            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private async Task<bool> AnswersAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"the engine exited ({_process.ExitCode}) before it answered /health");
        }

        try
        {
            using var health = await Client.GetAsync("/health");
            return health.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            // Not listening yet.
            return false;
        }
    }
}
