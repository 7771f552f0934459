using Microsoft.Extensions.Configuration;

namespace Lamina.AppHost;

/// <summary>
/// The <c>Lamina:*</c> settings given to the AppHost (environment, appsettings or command line),
/// with paths made absolute, as every service receives them.
/// </summary>
public sealed record LaminaSettings(
    string Manifest,
    string Catalog,
    string ModelsDir,
    string DataDir,
    int GatewayPort,
    StoreKind Store,
    IReadOnlyDictionary<string, string> Passed)
{
    /// <summary>Settings that travel as secret parameters, never as plain environment values.</summary>
    public static IReadOnlySet<string> Secrets { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "HuggingFace:Token",
        "Gateway:ApiKeys",
        "Gateway:AdminKeys",
    };

    /// <summary>Settings only the AppHost itself reads.</summary>
    private static readonly HashSet<string> _ownSettings = new(StringComparer.OrdinalIgnoreCase) { "Store", "GatewayPort" };

    public static LaminaSettings Read(IDistributedApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Lamina");
        var root = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        string Absolute(string key, string fallback) => Path.GetFullPath(section[key] is { Length: > 0 } value ? value : fallback, root);

        var passed = section.AsEnumerable(makePathsRelative: true)
            .Where(pair => pair.Value is not null && !_ownSettings.Contains(pair.Key))
            .ToDictionary(pair => pair.Key, pair => pair.Value!, StringComparer.OrdinalIgnoreCase);
        // The repository's models.yaml is the versioned catalog; what pulls and edits change is the
        // live manifest in the data folder, which the Registry creates from the catalog on first start.
        var dataDir = Absolute("DataDir", ".lamina");
        var settings = new LaminaSettings(
            Absolute("Manifest", Path.Combine(dataDir, "models.yaml")),
            Absolute("Catalog", "models.yaml"),
            Absolute("ModelsDir", "models"),
            dataDir,
            ParsePort(section["GatewayPort"]),
            ParseStore(section["Store"]),
            passed);
        passed["Manifest"] = settings.Manifest;
        passed["Catalog"] = settings.Catalog;
        passed["ModelsDir"] = settings.ModelsDir;
        passed["DataDir"] = settings.DataDir;
        return settings;
    }

    private static int ParsePort(string? value) => value switch
    {
        null or "" => 8080,
        _ when int.TryParse(value, out var port) && port is > 0 and < 65536 => port,
        _ => throw new InvalidOperationException($"Lamina:GatewayPort is '{value}'; give a TCP port between 1 and 65535 (default 8080)."),
    };

    private static StoreKind ParseStore(string? value) => value?.ToLowerInvariant() switch
    {
        null or "" or "auto" => StoreKind.Auto,
        "container" => StoreKind.Container,
        "redis-server" => StoreKind.RedisServer,
        "embedded" => StoreKind.Embedded,
        _ => throw new InvalidOperationException($"Lamina:Store is '{value}'; use auto, container, redis-server or embedded."),
    };
}

public enum StoreKind
{
    Auto,
    Container,
    RedisServer,
    Embedded,
}
