using System.Globalization;
using Lamina.Runner.Placement;
using Lamina.Shared.Contracts;
using Lamina.Shared.Hosting;
using Lamina.Shared.Manifest;
using Microsoft.Extensions.Options;

namespace Lamina.Runner.Backends;

/// <summary>
/// Picks the backend that serves a model (<c>auto</c> by format and what is installed) and turns
/// model, port, context and placement into its command line, as REFERENCE.md gives each one's.
/// </summary>
public sealed class BackendResolver(IOptions<RunnerOptions> options)
{
    public const string Embedded = ModelBackends.Embedded;
    public const string LlamaCpp = ModelBackends.LlamaCpp;
    public const string Vllm = ModelBackends.Vllm;
    public const string Mlc = ModelBackends.Mlc;

    private readonly Lazy<(string FileName, string[] Prefix)> _engine = new(() => FindEngine(options.Value.EnginePath));

    /// <summary>The embedded engine's program (its apphost or .dll).</summary>
    public string EnginePath => _engine.Value.Prefix is [.., var dll] ? dll : _engine.Value.FileName;

    /// <summary>The backend and program for the model, or why none can serve it here.</summary>
    public (BackendChoice? Choice, string? Problem) Choose(CatalogModel model)
    {
        var backend = model.Backend == ModelBackends.Auto
            ? model.Format switch { ModelFormats.Safetensors => Vllm, ModelFormats.Mlc => Mlc, _ => LlamaCpp }
            : model.Backend;
        switch (backend)
        {
            case LlamaCpp when Find(model, LlamaCpp, options.Value.LlamaServerPath, "llama-server") is { } server:
                return (new BackendChoice(LlamaCpp, server, []), null);
            case LlamaCpp:
                return (EmbeddedChoice("llama-server is not on PATH; running the model on Lamina's embedded llama.cpp engine"), null);
            case Embedded:
                return (EmbeddedChoice(null), null);
            case Vllm or Mlc:
                var (program, setting) = backend == Vllm ? ("vllm", "Lamina:Runner:VllmPath") : ("mlc_llm", "Lamina:Runner:MlcPath");
                var configured = backend == Vllm ? options.Value.VllmPath : options.Value.MlcPath;
                return Find(model, backend, configured, program) is { } path
                    ? (new BackendChoice(backend, path, []), null)
                    : (null, string.IsNullOrEmpty(configured)
                        ? $"backend {backend}: '{program}' is not installed (not on PATH); install it or set {setting} to its path"
                        : $"backend {backend}: {setting} names '{configured}', which does not exist");
            default:
                return (null, $"backend '{model.Backend}' is not one this Runner starts; use llama.cpp, embedded, vllm, mlc or auto");
        }
    }

    /// <summary>The context a model runs with: the start's, else the manifest's, else (GGUF) its own capped at the Runner's default.</summary>
    public int? ContextFor(CatalogModel model, int? requested) =>
        requested ?? model.ContextLength
        ?? (model.Format is null or ModelFormats.Gguf
            ? Math.Min(model.Metadata?.ContextLength is > 0 and var own ? own : options.Value.DefaultContextLength, options.Value.DefaultContextLength)
            : null);

    public LaunchPlan Plan(BackendChoice choice, CatalogModel model, int port, int? contextLength, ModelPlacement placement)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var settings = model.BackendSettings?.GetValueOrDefault(model.Backend == ModelBackends.Auto ? choice.Backend : model.Backend);
        List<string> arguments = [.. choice.Prefix];
        var readiness = "/health";
        string served = model.Name;
        switch (choice.Backend)
        {
            case Vllm:
                arguments.AddRange(["serve", model.ResolvedPath!, "--host", "127.0.0.1", "--port", portText, "--served-model-name", model.Name]);
                if (contextLength is { } vllmContext)
                {
                    arguments.AddRange(["--max-model-len", Text(vllmContext)]);
                }

                arguments.AddRange(["--tensor-parallel-size", Text(Math.Max(1, placement.Gpus.Count))]);
                if (placement.GpuMemoryUtilization is { } share)
                {
                    arguments.AddRange(["--gpu-memory-utilization", share.ToString("0.00", CultureInfo.InvariantCulture)]);
                }

                break;
            case Mlc:
                served = model.ResolvedPath!;
                readiness = "/v1/models";
                // CUDA_VISIBLE_DEVICES renumbers the chosen GPUs from 0.
                arguments.AddRange(["serve", served, "--device", "cuda:0", "--host", "127.0.0.1", "--port", portText]);
                List<string> overrides = contextLength is { } mlcContext ? [$"context_window_size={Text(mlcContext)}"] : [];
                overrides.Add($"tensor_parallel_shards={Text(Math.Max(1, placement.Gpus.Count))}");
                arguments.AddRange(["--overrides", string.Join(';', overrides)]);
                break;
            default:
                arguments.AddRange(["-m", model.ResolvedPath!, "--host", "127.0.0.1", "--port", portText, "-a", model.Name]);
                if (contextLength is { } context)
                {
                    arguments.AddRange(["-c", Text(context)]);
                }

                if (choice.Backend == LlamaCpp && placement.GpuLayers is { } layers)
                {
                    arguments.AddRange(["-ngl", Text(layers)]);
                }

                // llama-server serves /v1/embeddings only when started for them (the embedded engine always does).
                if (choice.Backend == LlamaCpp && ModelUseCases.OnlyEmbeddings(model.UseCases))
                {
                    arguments.Add("--embeddings");
                }

                break;
        }

        arguments.AddRange(settings?.DefaultArgs ?? []);
        arguments.AddRange(model.Args ?? []);
        return new LaunchPlan(choice.Backend, choice.FileName, arguments, JoinNotes(choice.Note, placement.Note))
        {
            Environment = new Dictionary<string, string?> { ["CUDA_VISIBLE_DEVICES"] = placement.VisibleDevices },
            ReadinessPath = readiness,
            ServedModel = served,
            ContextLength = contextLength,
        };
    }

    private static string? JoinNotes(string? first, string? second) =>
        first is null ? second : second is null ? first : $"{first}; {second}";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private BackendChoice EmbeddedChoice(string? note) => new(Embedded, _engine.Value.FileName, _engine.Value.Prefix, note);

    /// <summary>The configured path, else the manifest's executable (a path, or a name on PATH), else the usual name on PATH.</summary>
    private static string? Find(CatalogModel model, string backend, string? configured, string usual)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        var name = model.BackendSettings?.GetValueOrDefault(backend)?.Executable is { Length: > 0 } given ? given : usual;
        return Path.IsPathRooted(name) ? (File.Exists(name) ? name : null) : LocalMachine.FindOnPath(name);
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
