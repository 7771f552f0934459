using Lamina.Runner.Backends;

namespace Lamina.Runner.Tests;

public sealed class BackendProcessTests
{
    [Fact]
    public async Task StopEndsTheBackendAndTheChildrenItSpawned()
    {
        // A backend that spawns a worker, as vLLM does, and ignores SIGTERM in that worker.
        var plan = new LaunchPlan("test", "/bin/sh", ["-c", "sh -c 'trap \"\" TERM; sleep 300' & echo worker $!; wait"]);
        await using var backend = BackendProcess.Start(plan, 10, new Dictionary<string, string?>());
        var worker = await WorkerPidAsync(backend);

        await backend.StopAsync(TimeSpan.FromMilliseconds(500));

        Assert.True(backend.Exited.IsCompleted);
        Assert.False(IsAlive(backend.Pid));
        await WaitGoneAsync(worker);
    }

    [Fact]
    public async Task ExitCodeAndLastOutputLinesAreKept()
    {
        // One stream: stdout and stderr are read apart, so lines of the two may arrive in either order.
        var plan = new LaunchPlan("test", "/bin/sh", ["-c", "for i in 1 2 3 4 5; do echo line $i >&2; done; echo failure >&2; exit 3"]);
        await using var backend = BackendProcess.Start(plan, 3, new Dictionary<string, string?>());

        var code = await backend.Exited.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, code);
        Assert.Equal(["line 4", "line 5", "failure"], backend.RecentOutput);
    }

    [Fact]
    public async Task LinesOfBothStreamsAreKept()
    {
        var plan = new LaunchPlan("test", "/bin/sh", ["-c", "echo loading; echo failure >&2; exit 1"]);
        await using var backend = BackendProcess.Start(plan, 10, new Dictionary<string, string?>());

        await backend.Exited.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["failure", "loading"], backend.RecentOutput.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task BackendRunsInAProcessGroupOfItsOwn()
    {
        var plan = new LaunchPlan("test", "/bin/sh", ["-c", "sleep 300"]);
        await using var backend = BackendProcess.Start(plan, 10, new Dictionary<string, string?>());

        // setsid runs in the child right after exec, so the new group appears a moment after Start returns.
        var group = "";
        for (var i = 0; i < 100 && group != backend.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture); i++)
        {
            await Task.Delay(10);
            var stat = await File.ReadAllTextAsync($"/proc/{backend.Pid}/stat");
            group = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2];
        }

        Assert.Equal(backend.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), group);
    }

    private static async Task<int> WorkerPidAsync(BackendProcess backend)
    {
        for (var i = 0; i < 200; i++)
        {
            if (backend.RecentOutput.FirstOrDefault(line => line.StartsWith("worker ", StringComparison.Ordinal)) is { } line)
            {
                return int.Parse(line["worker ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("the backend never reported its worker");
    }

    private static async Task WaitGoneAsync(int pid)
    {
        for (var i = 0; i < 100 && IsAlive(pid); i++)
        {
            await Task.Delay(20);
        }

        Assert.False(IsAlive(pid), $"worker {pid} outlived its backend");
    }

    private static bool IsAlive(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
}
