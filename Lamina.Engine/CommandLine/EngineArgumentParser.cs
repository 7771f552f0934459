using System.Globalization;
using System.Net;

namespace Lamina.Engine.CommandLine;

/// <summary>Parses the subset of llama-server's flags the engine honours; anything else is a usage error.</summary>
internal static class EngineArgumentParser
{
    public const string LoadDelayVariable = "LAMINA_ENGINE_LOAD_DELAY_MS";

    private const string Usage = """
        usage: Lamina.Engine -m FILE [options]

          -m,   --model FILE          GGUF model to serve (required)
                --host HOST           address to bind (default: 127.0.0.1)
                --port N              port to bind, 0 for any free port (default: 8080)
          -c,   --ctx-size N          context size per slot, 0 = the model's (default: 0)
          -np,  --parallel N          slots generating at once; more requests queue (default: 1)
          -a,   --alias NAME          model id reported by the API (default: the file name)
                --api-key KEY         require "Authorization: Bearer KEY" except on /health
          -t,   --threads N           CPU threads per generation (default: half the cores)
          -ngl, --n-gpu-layers N      accepted for llama-server compatibility; ignored on CPU
                --metrics             accepted for llama-server compatibility; ignored
                --version             print the version and exit
          -h,   --help                print this help and exit
        """;

    /// <summary>The options to run with, or null when --help or --version has been answered.</summary>
    public static EngineOptions? Parse(IReadOnlyList<string> args, TextWriter output)
    {
        string? model = null, alias = null, apiKey = null;
        var host = "127.0.0.1";
        int port = 8080, parallel = 1, gpuLayers = 0;
        int? threads = null;
        uint contextSize = 0;

        for (var i = 0; i < args.Count; i++)
        {
            var (flag, inline) = Split(args[i]);
            string Value() => inline ?? (++i < args.Count ? args[i] : throw new UsageException($"option '{flag}' needs a value"));

            switch (flag)
            {
                case "-h" or "--help":
                    output.WriteLine(Usage);
                    return null;
                case "--version":
                    output.WriteLine(EngineVersion.Text);
                    return null;
                case "-m" or "--model": model = Value(); break;
                case "--host": host = Host(Value()); break;
                case "--port": port = Number(flag, Value(), 0, IPEndPoint.MaxPort); break;
                case "-c" or "--ctx-size": contextSize = (uint)Number(flag, Value(), 0, int.MaxValue); break;
                case "-np" or "--parallel": parallel = Number(flag, Value(), 1, 256); break;
                case "-a" or "--alias": alias = Value(); break;
                case "--api-key": apiKey = Value(); break;
                case "-t" or "--threads": threads = Number(flag, Value(), -1, 1024) is var t and > 0 ? t : null; break;
                case "-ngl" or "--gpu-layers" or "--n-gpu-layers": gpuLayers = GpuLayers(flag, Value()); break;
                case "--metrics": break;
                default: throw new UsageException($"unknown option '{args[i]}'");
            }
        }

        return new EngineOptions
        {
            ModelPath = model ?? throw new UsageException("no model given: pass -m FILE"),
            Host = host,
            Port = port,
            ContextSize = contextSize,
            Parallel = parallel,
            Alias = alias,
            ApiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey,
            Threads = threads,
            GpuLayers = gpuLayers,
            LoadDelay = LoadDelay(),
        };
    }

    private static (string Flag, string? Inline) Split(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal))
            return (arg, null);
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (arg, null) : (arg[..equals], arg[(equals + 1)..]);
    }

    private static int Number(string flag, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new UsageException($"invalid value '{value}' for '{flag}': expected a whole number from {min} to {max}");

    // Newer llama-server builds also take "auto" and "all"; none of it matters on the CPU.
    private static int GpuLayers(string flag, string value) =>
        value is "auto" or "all" ? -1 : Number(flag, value, -1, int.MaxValue);

    private static string Host(string value) =>
        value == "localhost" || IPAddress.TryParse(value, out _)
            ? value
            : throw new UsageException($"invalid value '{value}' for '--host': expected an IP address or localhost");

    private static TimeSpan LoadDelay() =>
        int.TryParse(Environment.GetEnvironmentVariable(LoadDelayVariable), CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : TimeSpan.Zero;
}
