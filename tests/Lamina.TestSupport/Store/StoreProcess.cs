using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Lamina.Shared.Hosting;

namespace Lamina.TestSupport.Store;

/// <summary>
/// The real Lamina.Store executable, started as <c>dotnet Lamina.Store.dll ...</c> from the test output folder
/// (a test project that starts it references Lamina.Store, which copies it there).
/// </summary>
public sealed partial class StoreProcess : IAsyncDisposable
{
    private const int Sigterm = 15;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private StoreProcess(Process process) => _process = process;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static StoreProcess Start(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Lamina.Store.dll");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        // The test host's own settings must not leak into the store.
        info.Environment.Remove("Lamina__Store__Port");

        var store = new StoreProcess(new Process { StartInfo = info, EnableRaisingEvents = true });
        store._process.OutputDataReceived += (_, e) => store.Append(e.Data);
        store._process.ErrorDataReceived += (_, e) => store.Append(e.Data);
        store._process.Exited += (_, _) => store._ready.TrySetException(
            new InvalidOperationException($"Lamina.Store exited before it was ready:\n{store.Output}"));
        store._process.Start();
        store._process.BeginOutputReadLine();
        store._process.BeginErrorReadLine();
        return store;
    }

    /// <summary>Starts the store on a free loopback port and waits for its "ready" line.</summary>
    public static async Task<(StoreProcess Store, int Port)> StartReadyAsync(params string[] extraArgs)
    {
        var port = LocalMachine.FreePort();
        var store = Start(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extraArgs]);
        await store.WaitForReadyAsync();
        return (store, port);
    }

    public async Task WaitForReadyAsync()
    {
        try
        {
            await _ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Lamina.Store was not ready within 30 s:\n{Output}");
        }
    }

    /// <summary>Sends SIGTERM, as Aspire or a shell would, and returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        if (Kill(_process.Id, Sigterm) != 0)
        {
            throw new InvalidOperationException($"SIGTERM to the store (pid {_process.Id}) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return await WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync()
    {
        // Waiting on the process also drains its redirected output.
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    /// <summary>Stops the store gracefully, so it removes its scratch directory, and kills it if that fails.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited && Kill(_process.Id, Sigterm) == 0)
        {
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                // Hung on the way down: killed below.
            }
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
        if (line.Contains("ready on", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
