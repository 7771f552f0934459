using System.Text.Json.Serialization;

namespace Lamina.Shared.Contracts;

/// <summary>A model server the Runner started, as every service sees it (kept in Redis while its Runner renews it).</summary>
public sealed record InstanceInfo(
    string Model,
    string Backend,
    string State,
    string? Endpoint,
    int? Pid,
    DateTimeOffset StartedAt,
    string? Message = null)
{
    /// <summary>The GPUs it runs on (their indices in <c>GET /gpus</c>); empty when it runs on the CPU.</summary>
    public IReadOnlyList<int>? Gpus { get; init; }

    /// <summary>llama.cpp's layers on the GPU, when Lamina set them.</summary>
    public int? GpuLayers { get; init; }

    /// <summary>The memory Lamina counts it as taking (on each GPU, plus RAM).</summary>
    public long? MemoryBytes { get; init; }

    public int? ContextLength { get; init; }

    /// <summary>The model id its backend answers to, when that is not the model's name (MLC: its folder).</summary>
    public string? ServedModel { get; init; }

    /// <summary>How long it may sit idle before it stops, as Ollama writes it; <c>-1</c> never.</summary>
    public string? KeepAlive { get; init; }

    public DateTimeOffset? ReadyAt { get; init; }

    /// <summary>When a request last ended on it, as the gateways recorded it (listed by the Runner, not kept in the record).</summary>
    public DateTimeOffset? LastUsed { get; init; }

    /// <summary>Requests the gateways are serving with it now (listed by the Runner, not kept in the record).</summary>
    public long? InFlight { get; init; }

    /// <summary>The machine and Runner that supervise it.</summary>
    public string? Node { get; init; }

    /// <summary>When its Runner last renewed the record; a record not renewed disappears by itself.</summary>
    public DateTimeOffset? Heartbeat { get; init; }

    /// <summary>The backend's exit code, when it failed by exiting.</summary>
    public int? ExitCode { get; init; }

    [JsonIgnore]
    public bool IsReady => State == InstanceStates.Ready;
}
