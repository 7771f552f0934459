using Lamina.TestSupport.Gguf;

namespace Lamina.Engine.Tests;

/// <summary>One engine serving a fresh TinyGguf, shared by the tests of a class and killed after them.</summary>
public class EngineFixture : IAsyncLifetime
{
    private readonly string _modelPath = TinyGguf.WriteTemp();
    private EngineProcess? _engine;
    private HttpClient? _client;

    public const string Alias = "tiny";

    public EngineProcess Engine => _engine ?? throw new InvalidOperationException("The engine has not started.");

    public HttpClient Client => _client ?? throw new InvalidOperationException("The engine has not started.");

    /// <summary>Flags beyond the model and port; subclasses change them to test other set-ups.</summary>
    protected virtual IEnumerable<string> Arguments => ["-a", Alias, "-np", "1", "-ngl", "99"];

    public async Task InitializeAsync()
    {
        _engine = EngineProcess.Start(["-m", _modelPath, "--port", "0", .. Arguments]);
        _client = new HttpClient { BaseAddress = await _engine.WaitForListeningAsync(), Timeout = TimeSpan.FromSeconds(60) };
        await _engine.WaitForLoadedAsync();
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_engine is not null)
            await _engine.DisposeAsync();
        File.Delete(_modelPath);
    }
}

/// <summary>Room for long generations, so a client can leave while tokens are still coming.</summary>
public sealed class LongContextEngineFixture : EngineFixture
{
    public const int ContextSize = 4096;

    protected override IEnumerable<string> Arguments => ["-a", Alias, "-np", "1", "-c", ContextSize.ToString(System.Globalization.CultureInfo.InvariantCulture)];
}

public sealed class ApiKeyEngineFixture : EngineFixture
{
    public const string ApiKey = "test-key-123";

    protected override IEnumerable<string> Arguments => ["-a", Alias, "--api-key", ApiKey];
}

/// <summary>Two slots and a long context, so that one long answer and another can overlap.</summary>
public sealed class ParallelEngineFixture : EngineFixture
{
    protected override IEnumerable<string> Arguments =>
        ["-a", Alias, "-np", "2", "-c", LongContextEngineFixture.ContextSize.ToString(System.Globalization.CultureInfo.InvariantCulture)];
}
