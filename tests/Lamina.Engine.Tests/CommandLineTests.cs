namespace Lamina.Engine.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public async Task VersionPrintsAVersionLineLikeLlamaServersAndExitsZero()
    {
        var (exitCode, stdout, _) = await EngineProcess.RunToExitAsync("--version");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^version: \d+\.\d+\.\d+ \(lamina-engine\)", stdout);
    }

    [Fact]
    public async Task HelpListsTheFlagsAndExitsZero()
    {
        var (exitCode, stdout, _) = await EngineProcess.RunToExitAsync("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--ctx-size", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownFlagIsAUsageErrorWithExitCodeTwo()
    {
        var (exitCode, _, stderr) = await EngineProcess.RunToExitAsync("-m", "model.gguf", "--frobnicate");

        Assert.Equal(2, exitCode);
        Assert.Contains("unknown option '--frobnicate'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlagWithoutItsValueIsAUsageError()
    {
        var (exitCode, _, stderr) = await EngineProcess.RunToExitAsync("-m", "model.gguf", "--port");

        Assert.Equal(2, exitCode);
        Assert.Contains("'--port' needs a value", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidNumberIsAUsageErrorThatSaysWhatIsExpected()
    {
        var (exitCode, _, stderr) = await EngineProcess.RunToExitAsync("-m", "model.gguf", "-np", "zero");

        Assert.Equal(2, exitCode);
        Assert.Contains("expected a whole number from 1", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoModelIsAUsageError()
    {
        var (exitCode, _, stderr) = await EngineProcess.RunToExitAsync("--port", "0");

        Assert.Equal(2, exitCode);
        Assert.Contains("no model given", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingModelFileEndsTheEngineNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.gguf");

        var (exitCode, _, stderr) = await EngineProcess.RunToExitAsync("-m", path, "--port", "0");

        Assert.Equal(1, exitCode);
        Assert.Contains($"model file '{path}' does not exist", stderr, StringComparison.Ordinal);
    }
}
