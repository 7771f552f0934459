using Lamina.Runner.Backends;
using Microsoft.Extensions.Options;

namespace Lamina.Runner.Tests;

// Test programs are shell scripts, as the Runner's backends are Linux processes.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BackendDetectorTests : IDisposable
{
    private readonly DirectoryInfo _bin = Directory.CreateTempSubdirectory("lamina-backends-");

    [Fact]
    public async Task InstalledBackendsGiveTheirPathAndVersionAndMissingOnesSayHowToFixIt()
    {
        // llama-server prints its version on stderr.
        var llamaServer = Script("llama-server", "echo 'version: 4567 (deadbeef)' >&2\necho 'built with cc for x86_64-linux-gnu' >&2");
        var vllm = Script("vllm", "echo '0.11.0'");
        var options = new RunnerOptions { LlamaServerPath = llamaServer, VllmPath = vllm, MlcPath = Path.Combine(_bin.FullName, "mlc_llm") };

        var found = (await new BackendDetector(Options.Create(options), new BackendResolver(Options.Create(options))).DetectAsync(false, CancellationToken.None))
            .ToDictionary(backend => backend.Name);

        Assert.Equal(("version: 4567 (deadbeef)", llamaServer), (found["llama.cpp"].Version, found["llama.cpp"].Path));
        Assert.Equal("0.11.0", found["vllm"].Version);
        Assert.False(found["mlc"].Available);
        Assert.Equal($"Lamina:Runner:MlcPath names '{options.MlcPath}', which does not exist", found["mlc"].Reason);
        Assert.True(found["embedded"].Available, found["embedded"].Reason);
    }

    [Fact]
    public async Task AnswerIsKeptUntilARefreshIsAskedFor()
    {
        var options = new RunnerOptions { VllmPath = Path.Combine(_bin.FullName, "vllm") };
        var detector = new BackendDetector(Options.Create(options), new BackendResolver(Options.Create(options)));
        Assert.False((await detector.DetectAsync(false, CancellationToken.None)).Single(backend => backend.Name == "vllm").Available);

        Script("vllm", "echo '0.11.0'");

        Assert.False((await detector.DetectAsync(false, CancellationToken.None)).Single(backend => backend.Name == "vllm").Available);
        Assert.True((await detector.DetectAsync(true, CancellationToken.None)).Single(backend => backend.Name == "vllm").Available);
    }

    private string Script(string name, string body) => TestPrograms.Write(_bin, name, body);

    public void Dispose() => _bin.Delete(recursive: true);
}
