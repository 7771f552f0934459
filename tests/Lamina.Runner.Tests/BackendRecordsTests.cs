using Lamina.Runner.Backends;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lamina.Runner.Tests;

public sealed class BackendRecordsTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("lamina-records-");

    private string Path => System.IO.Path.Combine(_data.FullName, "runner", "backends.json");

    [Fact]
    public async Task NextRunnerEndsTheBackendsADeadOneLeftRunning()
    {
        await using var backend = BackendProcess.Start(new LaunchPlan("test", "/bin/sleep", ["300"]), 10, new Dictionary<string, string?>());
        new BackendRecords(Path, NullLogger<BackendRecords>.Instance).Add(backend.Pid);

        // A new Runner, as after the old one was killed without ending its backends.
        var ended = await new BackendRecords(Path, NullLogger<BackendRecords>.Instance).EndLeftoversAsync(TimeSpan.FromSeconds(2), CancellationToken.None);

        Assert.Equal(1, ended);
        await backend.Exited.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ProcessThatOnlySharesARecordedPidIsLeftAlone()
    {
        // The test process itself, recorded with a start time it does not have: the pid was reused.
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await File.WriteAllTextAsync(Path, $"{{\"{Environment.ProcessId}\": 1}}");

        var ended = await new BackendRecords(Path, NullLogger<BackendRecords>.Instance).EndLeftoversAsync(TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(0, ended);
    }

    public void Dispose() => _data.Delete(recursive: true);
}
