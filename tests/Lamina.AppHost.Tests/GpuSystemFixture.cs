using System.Globalization;
using Lamina.Shared.Gguf;
using Lamina.TestSupport.Aspire;
using Lamina.TestSupport.Backends;
using Lamina.TestSupport.Gguf;

namespace Lamina.AppHost.Tests;

/// <summary>
/// A system of its own on a machine that looks like two 256 MiB GPUs (a fake nvidia-smi), whose
/// llama-server, vllm and mlc_llm are the fake programs that keep the real ones' command lines and
/// readiness contracts and record how they were started. Its gateway takes API keys (the shared
/// client sends the admin key) and lets one request per model run, with one more waiting; it waits
/// ten seconds at most for a model to start.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GpuSystemFixture : IAsyncLifetime
{
    public const long MiB = 1L << 20;

    public const string UserKey = "lamina-user-key-1";

    public const string AdminKey = "lamina-admin-key";

    public LaminaSystem System { get; private set; } = null!;

    /// <summary>Where the fake backends write what they were started with.</summary>
    public string Records { get; private set; } = "";

    public string Programs { get; private set; } = "";

    /// <summary>The fake programs themselves, without the settings the Runner's wrappers add.</summary>
    public string Fakes { get; private set; } = "";

    public string Models => Path.Combine(System.Root, "models");

    /// <summary>The tiny GGUF's estimate at the context the Runner gives it; RAM for two and a half of them is the budget.</summary>
    public long TinyBytes { get; private set; }

    /// <summary>The context the Runner gives the tiny GGUF: its own, capped at Lamina:Runner:DefaultContextLength.</summary>
    public int TinyContext { get; private set; }

    public async Task InitializeAsync()
    {
        var root = Directory.CreateTempSubdirectory("lamina-gpus-").FullName;
        var models = Directory.CreateDirectory(Path.Combine(root, "models")).FullName;
        var tiny = Path.Combine(models, "tiny.gguf");
        TinyGguf.Write(tiny);
        var header = GgufReader.Read(tiny);
        TinyContext = Math.Min(header.ContextLength ?? 8192, 8192);
        TinyBytes = header.EstimateMemoryBytes(TinyContext);
        Folder(models, "qwen", "config.json", "model.safetensors", 100 * MiB);
        Folder(models, "big", "config.json", "model.safetensors", 250 * MiB);
        Folder(models, "huge", "config.json", "model.safetensors", 1024 * MiB);
        Folder(models, "phi-mlc", "mlc-chat-config.json", "params_shard_0.bin", 50 * MiB);
        await File.WriteAllTextAsync(Path.Combine(root, "models.yaml"), """
            models:
              tiny:
                path: tiny.gguf
                backend: llama.cpp
              cpu-a:
                path: tiny.gguf
                backend: llama.cpp
                gpu_layers: 0
              cpu-b:
                path: tiny.gguf
                backend: llama.cpp
                gpu_layers: 0
              cpu-c:
                path: tiny.gguf
                backend: llama.cpp
                gpu_layers: 0
              qwen:
                path: qwen
                aliases: [qwen-alias]
                backend: vllm
                format: safetensors
                context_length: 4096
              big:
                path: big
                backend: auto
                format: safetensors
              huge:
                path: huge
                backend: vllm
                format: safetensors
              phi-mlc:
                path: phi-mlc
                backend: mlc
                format: mlc
                context_length: 2048
            backends:
              llama.cpp:
                executable: llama-server
                default_args: ["--metrics"]
              vllm:
                executable: vllm
              mlc:
                executable: mlc_llm
            """);

        Records = Directory.CreateDirectory(Path.Combine(root, "records")).FullName;
        var fakes = Fakes = FakeBackends.Install(Path.Combine(root, "fakes"));
        Programs = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
        foreach (var name in (string[])["llama-server", "vllm", "mlc_llm"])
        {
            // llama-server loads behind a 503 for a second: long enough for the Runner's polls to meet it even on a busy machine.
            Script(name, $"LAMINA_FAKE_RECORD_DIR='{Records}' LAMINA_FAKE_LOAD_MS={(name == "llama-server" ? 1800 : 300)} LAMINA_FAKE_TOKEN_MS=100 exec '{Path.Combine(fakes, name)}' \"$@\"");
        }

        Script("nvidia-smi", """
            echo "0, GPU-00000000-0000-0000-0000-000000000000, NVIDIA Test GPU, 256, 56, 200, 0, 580.159.04, 9.0"
            echo "1, GPU-11111111-1111-1111-1111-111111111111, NVIDIA Test GPU, 256, 96, 160, 0, 580.159.04, 9.0"
            """);

        System = await LaminaSystem.StartAsync(LaminaSystem.PreferredStore, root,
        [
            $"--Lamina:Runner:LlamaServerPath={Path.Combine(Programs, "llama-server")}",
            $"--Lamina:Runner:VllmPath={Path.Combine(Programs, "vllm")}",
            $"--Lamina:Runner:MlcPath={Path.Combine(Programs, "mlc_llm")}",
            $"--Lamina:Runner:NvidiaSmi={Path.Combine(Programs, "nvidia-smi")}",
            $"--Lamina:Runner:MemoryBudget={(TinyBytes * 5 / 2).ToString(CultureInfo.InvariantCulture)}",
            "--Lamina:Runner:MaxLoadedModels=6",
            "--Lamina:Runner:HeartbeatInterval=00:00:01",
            "--Lamina:Runner:StopGracePeriod=00:00:02",
            $"--Lamina:Gateway:ApiKeys={UserKey},lamina-user-key-2",
            $"--Lamina:Gateway:AdminKeys={AdminKey}",
            "--Lamina:Gateway:MaxConcurrentPerModel=1",
            "--Lamina:Gateway:MaxQueuePerModel=1",
            "--Lamina:Gateway:StreamKeepAlive=00:00:00.200",
            // Ten times the fake llama-server's load: a start held up elsewhere shows the gateway giving up on it.
            "--Lamina:Gateway:StartTimeout=00:00:10",
            "--Lamina:Gateway:MaxBodyBytes=1048576",
        ]);
        System.Gateway.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
    }

    /// <summary>The latest record of a fake backend started for the model (its path is on its command line).</summary>
    public FakeRecord? RecordOf(string personality, string model) =>
        FakeBackends.ReadRecords(Records).LastOrDefault(record => record.Personality == personality && record.Argv.Contains(model));

    private void Script(string name, string body)
    {
        var path = Path.Combine(Programs, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>A model folder whose weights are a sparse file: its size counts, its bytes cost nothing.</summary>
    private static void Folder(string models, string name, string config, string weights, long bytes)
    {
        var folder = Directory.CreateDirectory(Path.Combine(models, name)).FullName;
        File.WriteAllText(Path.Combine(folder, config), "{}");
        using var file = File.Create(Path.Combine(folder, weights));
        file.SetLength(bytes);
    }

    public async Task DisposeAsync()
    {
        await System.DisposeAsync();
        var left = await Eventually.TrueAsync(() => Task.FromResult(System.ProcessesLeft().Count == 0), TimeSpan.FromSeconds(30));
        var processes = System.ProcessesLeft();
        System.DeleteFiles();
        Assert.True(left, $"processes outlived the system: {string.Join("; ", processes)}");
    }
}

[CollectionDefinition(Name)]
public sealed class GpuSystemCollection : ICollectionFixture<GpuSystemFixture>
{
    public const string Name = "gpu-system";
}
