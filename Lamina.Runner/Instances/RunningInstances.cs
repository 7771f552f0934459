using System.Collections.Concurrent;
using Lamina.Runner.Backends;

namespace Lamina.Runner.Instances;

/// <summary>The instances this Runner holds memory for, one per model, and each model's latest backend for its logs.</summary>
public sealed class RunningInstances
{
    private readonly ConcurrentDictionary<string, Instance> _instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BackendProcess> _latest = new(StringComparer.Ordinal);

    public ICollection<Instance> All => _instances.Values;

    public ICollection<string> Models => _instances.Keys;

    public bool TryGet(string model, out Instance instance) => _instances.TryGetValue(model, out instance!);

    public void Add(Instance instance)
    {
        _instances[instance.Model] = instance;
        _latest[instance.Model] = instance.Process;
    }

    /// <summary>Takes the model's instance out; whoever gets it owns stopping it.</summary>
    public bool TryRemove(string model, out Instance instance) => _instances.TryRemove(model, out instance!);

    /// <summary>Takes this very instance out, not a newer one of the same model.</summary>
    public bool Remove(Instance instance) => _instances.TryRemove(KeyValuePair.Create(instance.Model, instance));

    /// <summary>The model's latest backend, running or not; null if it never ran.</summary>
    public BackendProcess? LatestProcess(string model) => _latest.GetValueOrDefault(model);
}
