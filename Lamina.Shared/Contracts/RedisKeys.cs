namespace Lamina.Shared.Contracts;

/// <summary>Every Redis key Lamina uses, in one place so services agree on them.</summary>
public static class RedisKeys
{
    /// <summary>Hash: model name → <see cref="InstanceInfo"/> JSON of its running instance.</summary>
    public const string Instances = "lamina:instances";

    /// <summary>Pub/sub channel: a model name each time its instance changes state.</summary>
    public const string InstanceEvents = "lamina:events:instances";

    /// <summary>Pub/sub channel: the manifest's new version (ETag) each time the Registry reloads it.</summary>
    public const string ManifestEvents = "lamina:events:manifest";
}
