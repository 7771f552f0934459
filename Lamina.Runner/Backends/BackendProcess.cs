using System.Diagnostics;

namespace Lamina.Runner.Backends;

/// <summary>One running backend: its process group, its recent output and its exit.</summary>
public sealed class BackendProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly OutputTail _output;
    private readonly TaskCompletionSource<int> _processExited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BackendProcess(Process process, OutputTail output)
    {
        _process = process;
        _output = output;
        Exited = ExitWithOutputAsync();
    }

    public int Pid => _process.Id;

    /// <summary>Completes with the exit code when the backend's process ends and its last words are read.</summary>
    public Task<int> Exited { get; }

    public IReadOnlyList<string> RecentOutput => _output.Lines;

    /// <summary>The kept lines, then each new line the backend prints, until its output ends.</summary>
    public IAsyncEnumerable<string> FollowOutputAsync(CancellationToken cancellationToken) => _output.FollowAsync(cancellationToken);

    public static BackendProcess Start(LaunchPlan plan, int keepLines, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo
        {
            FileName = ProcessGroups.SetSid ?? plan.FileName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (ProcessGroups.SetSid is not null)
        {
            start.ArgumentList.Add(plan.FileName);
        }

        foreach (var argument in plan.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var backend = new BackendProcess(process, new OutputTail(keepLines));
        process.OutputDataReceived += (_, e) => backend.Read(e.Data, backend._outputClosed);
        process.ErrorDataReceived += (_, e) => backend.Read(e.Data, backend._errorClosed);
        process.Exited += (_, _) => backend._processExited.TrySetResult(process.ExitCode);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return backend;
    }

    private void Read(string? line, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
        }
        else
        {
            _output.Add(line);
        }
    }

    private async Task<int> ExitWithOutputAsync()
    {
        var code = await _processExited.Task;

        // The last lines explain a failure; a child that inherited the pipes may hold them open, so wait only briefly.
        await Task.WhenAny(Task.WhenAll(_outputClosed.Task, _errorClosed.Task), Task.Delay(TimeSpan.FromSeconds(1)));
        _output.End();
        return code;
    }

    /// <summary>SIGTERM to the whole group, then SIGKILL once the grace period is over.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (Exited.IsCompleted)
        {
            return;
        }

        if (!ProcessGroups.Signal(Pid, ProcessGroups.SigTerm))
        {
            _process.Kill(entireProcessTree: true);
        }

        if (await Task.WhenAny(Exited, Task.Delay(grace)) != Exited)
        {
            ProcessGroups.Signal(Pid, ProcessGroups.SigKill);
            _process.Kill(entireProcessTree: true);
            await Exited.WaitAsync(TimeSpan.FromSeconds(5));
        }

        // Children that ignored SIGTERM after their leader left still belong to the group.
        ProcessGroups.Signal(Pid, ProcessGroups.SigKill);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }
}
