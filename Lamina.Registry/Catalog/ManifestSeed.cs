using System.Text;
using System.Text.RegularExpressions;
using Lamina.Shared.Manifest;
using Microsoft.Extensions.Options;

namespace Lamina.Registry.Catalog;

/// <summary>
/// Creates the live manifest on the first start, so that pulls and edits through the API change a
/// file of the data folder and never the versioned catalog. An existing live manifest is never
/// touched. The seed is the repository's catalog file when there is one, the user's own edits
/// included (told apart from the catalog Lamina shipped, <see cref="ShippedCatalog"/>), else the
/// copy built into Lamina.
/// </summary>
public sealed partial class ManifestSeed(IOptions<RegistryOptions> options, ILogger<ManifestSeed> logger)
{
    private readonly string _live = options.Value.ManifestPath;
    private readonly string _catalog = Path.GetFullPath(options.Value.Catalog);

    /// <summary>Where the live manifest came from; creates it first when it does not exist.</summary>
    public ManifestOrigin EnsureLiveManifest()
    {
        if (File.Exists(_live))
        {
            LogExisting(logger, _live);
            return ManifestOrigin.Existing;
        }

        var (origin, text) = File.Exists(_catalog) && File.ReadAllText(_catalog) is var catalog
            ? (ShippedCatalog.IsShipped(catalog) ? ManifestOrigin.ShippedCatalog : ManifestOrigin.EditedCatalog, SchemaBeside(catalog))
            : (ManifestOrigin.BuiltIn, ShippedCatalog.Text);
        if (!Create(text))
        {
            LogExisting(logger, _live);
            return ManifestOrigin.Existing;
        }

        switch (origin)
        {
            case ManifestOrigin.ShippedCatalog:
                LogSeeded(logger, _live, _catalog);
                break;
            case ManifestOrigin.EditedCatalog:
                LogSeededFromEdits(logger, _live, _catalog);
                break;
            default:
                LogSeededFromBuiltIn(logger, _live, _catalog);
                break;
        }

        return origin;
    }

    /// <summary>Writes the new file whole, or not at all when another process created it meanwhile.</summary>
    private bool Create(string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_live)!);
        var temporary = _live + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        try
        {
            File.Move(temporary, _live, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(_live))
        {
            File.Delete(temporary);
            return false;
        }
    }

    /// <summary>The catalog with its schema line pointing, from the live manifest's folder, at the schema beside the catalog.</summary>
    private string SchemaBeside(string catalog)
    {
        var match = SchemaLine().Match(catalog);
        if (!match.Success || Uri.TryCreate(match.Groups["schema"].Value, UriKind.Absolute, out _))
        {
            return catalog;
        }

        var schema = Path.GetFullPath(match.Groups["schema"].Value, Path.GetDirectoryName(_catalog)!);
        var relative = Path.GetRelativePath(Path.GetDirectoryName(_live)!, schema).Replace('\\', '/');
        return File.Exists(schema) ? catalog[..match.Groups["schema"].Index] + relative + catalog[(match.Groups["schema"].Index + match.Groups["schema"].Length)..] : catalog;
    }

    [GeneratedRegex(@"\A\uFEFF?# yaml-language-server: \$schema=(?<schema>[^\r\n]+)")]
    private static partial Regex SchemaLine();

    [LoggerMessage(LogLevel.Information, "Live manifest: {Manifest}")]
    private static partial void LogExisting(ILogger logger, string manifest);

    [LoggerMessage(LogLevel.Information, "Created the live manifest {Manifest} from the shipped catalog {Catalog}")]
    private static partial void LogSeeded(ILogger logger, string manifest, string catalog);

    [LoggerMessage(LogLevel.Warning, "Created the live manifest {Manifest} from {Catalog}, which differs from the shipped catalog: its edits are kept in the live manifest, which Lamina reads and writes from now on")]
    private static partial void LogSeededFromEdits(ILogger logger, string manifest, string catalog);

    [LoggerMessage(LogLevel.Information, "Created the live manifest {Manifest} from the catalog built into Lamina ({Catalog} does not exist)")]
    private static partial void LogSeededFromBuiltIn(ILogger logger, string manifest, string catalog);
}

/// <summary>What the live manifest was read from at start.</summary>
public enum ManifestOrigin
{
    /// <summary>It was there already; it is never overwritten.</summary>
    Existing,

    /// <summary>Created from the repository's catalog, as shipped.</summary>
    ShippedCatalog,

    /// <summary>Created from the repository's catalog, which the user had edited.</summary>
    EditedCatalog,

    /// <summary>Created from the catalog built into Lamina: there was no catalog file.</summary>
    BuiltIn,
}
