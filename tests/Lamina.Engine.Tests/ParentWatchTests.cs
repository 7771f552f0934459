using System.Diagnostics;
using Lamina.TestSupport.Gguf;

namespace Lamina.Engine.Tests;

public sealed class ParentWatchTests : IDisposable
{
    private readonly string _modelPath = TinyGguf.WriteTemp();

    [Fact]
    public async Task EngineExitsWhenTheProcessThatStartedItDies()
    {
        using var parent = Process.Start("sleep", "300");
        await using var engine = EngineProcess.Start(["-m", _modelPath, "--port", "0"],
            new Dictionary<string, string> { ["LAMINA_PARENT_PID"] = parent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await engine.WaitForLoadedAsync();
        Assert.False(engine.HasExited);

        parent.Kill();
        await parent.WaitForExitAsync();

        await engine.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.True(engine.HasExited);
        Assert.Contains("is gone; stopping", engine.Stderr);
    }

    public void Dispose() => File.Delete(_modelPath);
}
