using Lamina.Shared.Contracts;
using Lamina.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Lamina.Runner.Backends;

/// <summary>Turns a model and a port into the command line of the backend that serves it.</summary>
public sealed class BackendResolver(IOptions<RunnerOptions> options)
{
    public const string Embedded = "embedded";
    public const string LlamaCpp = "llama.cpp";

    private readonly Lazy<string?> _llamaServer = new(() => FindLlamaServer(options.Value.LlamaServerPath));
    private readonly Lazy<(string FileName, string[] Prefix)> _engine = new(() => FindEngine(options.Value.EnginePath));

    /// <summary>The embedded engine's program (its apphost or .dll).</summary>
    public string EnginePath => _engine.Value.Prefix is [.., var dll] ? dll : _engine.Value.FileName;

    /// <summary>The plan, or the reason this model cannot be started by this Runner.</summary>
    public (LaunchPlan? Plan, string? Problem) Resolve(CatalogModel model, int port)
    {
        var common = new[] { "-m", model.ResolvedPath!, "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-a", model.Name };
        switch (model.Backend)
        {
            case LlamaCpp or "auto" when _llamaServer.Value is { } server:
                return (new LaunchPlan(LlamaCpp, server, common), null);
            case LlamaCpp or "auto":
                return (EmbeddedPlan(common, "llama-server is not on PATH; running the model on Lamina's embedded llama.cpp engine"), null);
            case Embedded:
                return (EmbeddedPlan(common, null), null);
            default:
                return (null, $"backend '{model.Backend}' is not supported by this Runner yet; use 'llama.cpp' or 'embedded' for GGUF models");
        }
    }

    private LaunchPlan EmbeddedPlan(string[] common, string? note) =>
        new(Embedded, _engine.Value.FileName, [.. _engine.Value.Prefix, .. common], note);

    private static string? FindLlamaServer(string? configured)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        return LocalMachine.FindOnPath("llama-server");
    }

    private static (string, string[]) FindEngine(string? configured)
    {
        var path = string.IsNullOrEmpty(configured)
            ? Path.Combine(AppContext.BaseDirectory, "Lamina.Engine.dll")
            : configured;
        if (!path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return (path, []);
        }

        // A framework-dependent engine runs under the dotnet host.
        return (LocalMachine.DotnetHost(), ["exec", path]);
    }
}
