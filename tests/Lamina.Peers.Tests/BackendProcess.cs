using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Lamina.Peers.Tests;

/// <summary>
/// One fake backend started through its installed wrapper, as a Runner starts the real program; it keeps the
/// output lines so a test can wait for "ready" without polling. Disposing it kills whatever is left.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class BackendProcess : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _watches = [];

    private BackendProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string Stdout => string.Join('\n', _stdout);

    public string Stderr => string.Join('\n', _stderr);

    /// <summary>Starts <paramref name="program"/>; a null value in <paramref name="environment"/> unsets that variable.</summary>
    public static BackendProcess Start(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var backend = new BackendProcess(process);
        process.OutputDataReceived += (_, e) => backend.OnLine(e.Data, backend._stdout);
        process.ErrorDataReceived += (_, e) => backend.OnLine(e.Data, backend._stderr);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return backend;
    }

    /// <summary>Runs to the exit, for command lines that end at once (--version, a bad flag).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(string program, params string[] arguments)
    {
        await using var backend = Start(program, arguments);
        var exitCode = await backend.WaitForExitAsync();
        return (exitCode, backend.Stdout, backend.Stderr);
    }

    /// <summary>Completes when a stdout line, past or future, contains <paramref name="text"/>.</summary>
    public Task WaitForOutputAsync(string text)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_watches)
        {
            if (_stdout.Any(line => line.Contains(text, StringComparison.Ordinal)))
                seen.SetResult();
            else
                _watches.Add((line => line.Contains(text, StringComparison.Ordinal), seen));
        }

        return seen.Task.WaitAsync(Timeout);
    }

    public async Task<int> WaitForExitAsync()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public void Terminate() => Assert.Equal(0, Kill(_process.Id, 15));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void OnLine(string? line, ConcurrentQueue<string> lines)
    {
        if (line is null)
            return;
        lock (_watches)
        {
            lines.Enqueue(line);
            if (lines != _stdout)
                return;
            foreach (var watch in _watches.Where(w => w.Match(line)).ToList())
            {
                watch.Seen.TrySetResult();
                _watches.Remove(watch);
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
