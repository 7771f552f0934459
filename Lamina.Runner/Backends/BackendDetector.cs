using System.Diagnostics;
using Lamina.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Lamina.Runner.Backends;

/// <summary>
/// Which backends this Runner can start: each program found (its configured path, else PATH) and
/// its version read from <c>--version</c>. The answer is kept until a refresh is asked for, since
/// asking vLLM its version takes seconds.
/// </summary>
public sealed class BackendDetector(IOptions<RunnerOptions> options, BackendResolver resolver)
{
    private static readonly TimeSpan VersionTimeout = TimeSpan.FromSeconds(20);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<BackendStatus>? _known;

    public async Task<IReadOnlyList<BackendStatus>> DetectAsync(bool refresh, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (refresh || _known is null)
            {
                _known = await Task.WhenAll(
                    ProgramAsync(BackendResolver.LlamaCpp, "llama.cpp's server (llama-server)", "llama-server", options.Value.LlamaServerPath, "Lamina:Runner:LlamaServerPath", cancellationToken),
                    ProgramAsync("vllm", "vLLM, for safetensors models on GPUs", "vllm", options.Value.VllmPath, "Lamina:Runner:VllmPath", cancellationToken),
                    ProgramAsync("mlc", "MLC LLM, for MLC-compiled models", "mlc_llm", options.Value.MlcPath, "Lamina:Runner:MlcPath", cancellationToken),
                    Task.FromResult(Embedded()));
            }

            return _known;
        }
        finally
        {
            _gate.Release();
        }
    }

    private BackendStatus Embedded()
    {
        var engine = resolver.EnginePath;
        const string description = "Lamina's embedded llama.cpp engine (LLamaSharp), for GGUF models; stands in for llama-server";
        return File.Exists(engine)
            ? new BackendStatus(BackendResolver.Embedded, description, true, engine, typeof(BackendDetector).Assembly.GetName().Version?.ToString(), null)
            : new BackendStatus(BackendResolver.Embedded, description, false, engine, null, $"the engine is missing at {engine}; rebuild Lamina or set Lamina:Runner:EnginePath");
    }

    private static async Task<BackendStatus> ProgramAsync(
        string name, string description, string program, string? configured, string setting, CancellationToken cancellationToken)
    {
        var path = string.IsNullOrEmpty(configured) ? LocalMachine.FindOnPath(program) : File.Exists(configured) ? configured : null;
        if (path is null)
        {
            var reason = string.IsNullOrEmpty(configured)
                ? $"'{program}' is not installed (not on PATH); install it or set {setting} to its path"
                : $"{setting} names '{configured}', which does not exist";
            return new BackendStatus(name, description, false, null, null, reason);
        }

        try
        {
            return new BackendStatus(name, description, true, path, await VersionAsync(path, cancellationToken), null);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            return new BackendStatus(name, description, false, path, null, $"'{path}' cannot be run: {e.Message}");
        }
    }

    /// <summary>The first line the program prints for <c>--version</c> (llama-server prints it on stderr), or null.</summary>
    private static async Task<string?> VersionAsync(string path, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo(path, "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(VersionTimeout);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return $"{await output}\n{await errors}".Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return null;
        }
    }
}
