using System.Globalization;

namespace Lamina.TestSupport.Backends;

/// <summary>The environment variables that tune a fake; none of them is required.</summary>
internal sealed record FakeKnobs(TimeSpan LoadDelay, TimeSpan? ExitAfter, TimeSpan TokenDelay)
{
    /// <summary>How long the model "loads" before the backend is ready (default 300 ms).</summary>
    public const string LoadMs = "LAMINA_FAKE_LOAD_MS";

    /// <summary>When set, the backend exits with code 3 this long after it became ready, as a crash would.</summary>
    public const string ExitAfterMs = "LAMINA_FAKE_EXIT_AFTER_MS";

    /// <summary>A pause before each generated token (default 0), so that clients can disconnect mid-stream.</summary>
    public const string TokenMs = "LAMINA_FAKE_TOKEN_MS";

    /// <summary>When set, the folder the backend writes its record and events to.</summary>
    public const string RecordDir = "LAMINA_FAKE_RECORD_DIR";

    public static FakeKnobs FromEnvironment() => new(
        Milliseconds(LoadMs) ?? TimeSpan.FromMilliseconds(300),
        Milliseconds(ExitAfterMs),
        Milliseconds(TokenMs) ?? TimeSpan.Zero);

    private static TimeSpan? Milliseconds(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), CultureInfo.InvariantCulture, out var ms) && ms >= 0
            ? TimeSpan.FromMilliseconds(ms)
            : null;
}
