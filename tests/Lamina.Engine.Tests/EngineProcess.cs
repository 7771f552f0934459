using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Lamina.Engine.Tests;

/// <summary>
/// The real engine executable in its own process, started the way the Runner starts it:
/// `dotnet exec Lamina.Engine.dll` from the folder the project reference copies it to. Disposing
/// it kills the whole process tree, so no test leaves an engine behind.
/// </summary>
public sealed partial class EngineProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _watches = [];

    private EngineProcess(Process process) => _process = process;

    public static string EnginePath => Path.Combine(AppContext.BaseDirectory, "Lamina.Engine.dll");

    public string Stdout => string.Join('\n', _stdout);

    public string Stderr => string.Join('\n', _stderr);

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the engine; returns at once, before it binds.</summary>
    public static EngineProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(EnginePath);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var engine = new EngineProcess(process);
        process.OutputDataReceived += (_, e) => engine.OnLine(e.Data, engine._stdout);
        process.ErrorDataReceived += (_, e) => engine.OnLine(e.Data, engine._stderr);
        process.Exited += (_, _) => engine.OnExited();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return engine;
    }

    /// <summary>Runs the engine to its exit, for flags that end it (--version, a bad flag, a missing file).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(params string[] arguments)
    {
        await using var engine = Start(arguments);
        var exitCode = await engine.WaitForExitAsync(StartTimeout);
        return (exitCode, engine.Stdout, engine.Stderr);
    }

    /// <summary>The engine's base address, from its "server is listening" log line (it binds --port 0).</summary>
    public Task<Uri> WaitForListeningAsync() => _listening.Task.WaitAsync(StartTimeout);

    /// <summary>Completes when the engine logs that its model is loaded.</summary>
    public Task WaitForLoadedAsync() => _loaded.Task.WaitAsync(StartTimeout);

    /// <summary>Completes with the first stderr line, past or future, that <paramref name="match"/> accepts.</summary>
    public Task<string> WaitForLogAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_watches)
        {
            var seen = _stderr.FirstOrDefault(match);
            if (seen is not null)
                found.SetResult(seen);
            else
                _watches.Add((match, found));
        }

        return found.Task.WaitAsync(timeout);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    // Tests run under `dotnet test`, which names the host it runs on; the engine runs on the same one.
    private static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private void OnLine(string? line, ConcurrentQueue<string> lines)
    {
        if (line is null)
            return;
        lock (_watches)
        {
            lines.Enqueue(line);
            foreach (var watch in _watches.Where(w => w.Match(line)).ToList())
            {
                watch.Found.TrySetResult(line);
                _watches.Remove(watch);
            }
        }

        if (ListeningLine().Match(line) is { Success: true } listening)
            _listening.TrySetResult(new Uri(listening.Groups["url"].Value + "/"));
        if (line.Contains(" loaded in ", StringComparison.Ordinal))
            _loaded.TrySetResult();
    }

    private void OnExited()
    {
        // Exited can be raised before the last lines are read; waiting here drains them first.
        _process.WaitForExit();
        var failure = new InvalidOperationException($"The engine exited before it was ready. Its log:\n{Stderr}");
        _listening.TrySetException(failure);
        _loaded.TrySetException(failure);
    }

    [GeneratedRegex(@"server is listening on (?<url>http://[^\s;]+)")]
    private static partial Regex ListeningLine();
}
