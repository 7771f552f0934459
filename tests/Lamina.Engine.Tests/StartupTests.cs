using System.Diagnostics;
using System.Net;
using Lamina.TestSupport.Gguf;
using Xunit.Abstractions;

namespace Lamina.Engine.Tests;

/// <summary>Each test starts its own engine: what is tested is the start itself.</summary>
public sealed class StartupTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _modelPath = TinyGguf.WriteTemp();

    [Fact]
    public async Task HealthSaysLoadingModelWith503UntilTheModelIsReadyThenOk()
    {
        // The engine's test hook holds loading back long enough to be seen.
        await using var engine = EngineProcess.Start(["-m", _modelPath, "--port", "0"],
            new Dictionary<string, string> { ["LAMINA_ENGINE_LOAD_DELAY_MS"] = "3000" });
        using var client = new HttpClient { BaseAddress = await engine.WaitForListeningAsync() };

        using (var loading = await client.GetAsync("health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, loading.StatusCode);
            Assert.Equal("""{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}""", await loading.Content.ReadAsStringAsync());
        }

        using (var models = await client.GetAsync("v1/models"))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, models.StatusCode);

        await engine.WaitForLoadedAsync();
        using var ready = await client.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EngineIsHealthyWithinSecondsOfItsStart()
    {
        var started = Stopwatch.StartNew();
        await using var engine = EngineProcess.Start(["-m", _modelPath, "--port", "0"]);
        using var client = new HttpClient { BaseAddress = await engine.WaitForListeningAsync() };
        await engine.WaitForLoadedAsync();
        using var response = await client.GetAsync("health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        output.WriteLine($"process start to /health 200: {started.ElapsedMilliseconds} ms");
        Assert.InRange(started.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task FileThatIsNoModelEndsTheEngineWithAnErrorAndNonZeroExit()
    {
        await File.WriteAllTextAsync(_modelPath, "this is not a GGUF file");
        await using var engine = EngineProcess.Start(["-m", _modelPath, "--port", "0"]);

        var exitCode = await engine.WaitForExitAsync(EngineProcess.StartTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"cannot load model {_modelPath}", engine.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_modelPath);
}
