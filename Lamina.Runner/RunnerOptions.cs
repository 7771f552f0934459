using Lamina.Shared.Manifest;
using Microsoft.Extensions.Options;

namespace Lamina.Runner;

/// <summary>How the Runner starts and stops backends (section <c>Lamina:Runner</c>).</summary>
public sealed class RunnerOptions
{
    public const string Section = "Lamina:Runner";

    /// <summary>The embedded engine (its apphost or .dll); empty means the copy shipped beside the Runner.</summary>
    public string? EnginePath { get; set; }

    /// <summary>llama.cpp's server; empty means <c>llama-server</c> from PATH, else the embedded engine.</summary>
    public string? LlamaServerPath { get; set; }

    /// <summary>vLLM's <c>vllm</c>; empty means from PATH.</summary>
    public string? VllmPath { get; set; }

    /// <summary>MLC LLM's <c>mlc_llm</c>; empty means from PATH.</summary>
    public string? MlcPath { get; set; }

    /// <summary>NVIDIA's <c>nvidia-smi</c>; empty means from PATH. Without it, no GPU is known and models run on the CPU.</summary>
    public string? NvidiaSmi { get; set; }

    /// <summary>How long an idle model stays loaded unless its manifest entry says: <c>30s</c>, <c>5m</c>, <c>1h</c>, seconds, <c>0</c> (stop at once) or <c>-1</c> (never).</summary>
    public string KeepAlive { get; set; } = "5m";

    /// <summary>How many models may be loaded at once; starting one more first stops the least recently used idle one.</summary>
    public int MaxLoadedModels { get; set; } = 3;

    /// <summary>How many times a crashed backend is started again within ten minutes before the Runner gives up on it.</summary>
    public int MaxRestarts { get; set; } = 3;

    /// <summary>The wait before the first restart after a crash; each next one doubles it.</summary>
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest a backend may take from start to ready.</summary>
    public TimeSpan LoadTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a backend has to exit after SIGTERM before its process group is killed.</summary>
    public TimeSpan StopGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The context a GGUF model runs with when neither its manifest entry nor the start names one (capped at the model's own).</summary>
    public int DefaultContextLength { get; set; } = 8192;

    /// <summary>The most RAM models on the CPU may take together (<c>16GB</c>, <c>8GiB</c>); empty means what the machine has free.</summary>
    public string? MemoryBudget { get; set; }

    /// <summary>How often the Runner renews its instances' records; a record not renewed for three times this disappears.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many lines of each backend's output are kept for its logs and failure reports.</summary>
    public int LogLines { get; set; } = 200;
}

public sealed class RunnerOptionsValidator : IValidateOptions<RunnerOptions>
{
    public ValidateOptionsResult Validate(string? name, RunnerOptions options)
    {
        var failures = new List<string>();
        if (options.LoadTimeout <= TimeSpan.Zero)
        {
            failures.Add("Lamina:Runner:LoadTimeout must be a positive duration such as 00:10:00.");
        }

        if (options.StopGracePeriod < TimeSpan.Zero)
        {
            failures.Add("Lamina:Runner:StopGracePeriod must not be negative.");
        }

        if (!KeepAliveDuration.TryParse(options.KeepAlive, out _))
        {
            failures.Add($"Lamina:Runner:KeepAlive is '{options.KeepAlive}'; write a duration like 30s, 5m or 1h, seconds, 0 to stop idle models at once, or -1 to keep them.");
        }

        if (options.MaxLoadedModels < 1)
        {
            failures.Add("Lamina:Runner:MaxLoadedModels must be at least 1.");
        }

        if (options.DefaultContextLength < 1)
        {
            failures.Add("Lamina:Runner:DefaultContextLength must be at least 1 token.");
        }

        if (!string.IsNullOrEmpty(options.MemoryBudget) && ByteSize.Parse(options.MemoryBudget) is not > 0)
        {
            failures.Add($"Lamina:Runner:MemoryBudget is '{options.MemoryBudget}'; write a size such as 16GB or 8GiB, or leave it empty to use the free RAM.");
        }

        if (options.HeartbeatInterval <= TimeSpan.Zero)
        {
            failures.Add("Lamina:Runner:HeartbeatInterval must be a positive duration such as 00:00:05.");
        }

        if (options.LogLines < 1)
        {
            failures.Add("Lamina:Runner:LogLines must be at least 1.");
        }

        if (!string.IsNullOrEmpty(options.EnginePath) && !File.Exists(options.EnginePath))
        {
            failures.Add($"Lamina:Runner:EnginePath names '{options.EnginePath}', which does not exist.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
