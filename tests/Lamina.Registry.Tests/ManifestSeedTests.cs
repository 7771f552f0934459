using Lamina.Registry.Catalog;
using Lamina.Shared.Manifest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lamina.Registry.Tests;

/// <summary>The live manifest is created once, from the repository's catalog (edited or not) or the built-in copy, and never overwritten.</summary>
public sealed class ManifestSeedTests : IDisposable
{
    private const string OwnModel = "  my-own-model:\n    path: mine/mine.gguf\n";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("lamina-seed-");
    private readonly RecordingLogger _logger = new();

    private string Catalog => Path.Combine(_root.FullName, "repo", "models.yaml");

    private string DataDir => Path.Combine(_root.FullName, "repo", ".lamina");

    private string Live => Path.Combine(DataDir, "models.yaml");

    [Fact]
    public void FirstStartCreatesTheLiveManifestInTheDataFolderFromTheShippedCatalog()
    {
        WriteCatalog(ShippedCatalog.Text);

        var origin = Seed().EnsureLiveManifest();

        Assert.Equal(ManifestOrigin.ShippedCatalog, origin);
        // The schema stays the repository's, named from the data folder.
        Assert.Equal(ShippedCatalog.Text.Replace("$schema=./models.schema.json", "$schema=../models.schema.json", StringComparison.Ordinal), File.ReadAllText(Live));
        Assert.Equal(ShippedCatalog.Text, File.ReadAllText(Catalog));
        var line = Assert.Single(_logger.Lines);
        Assert.Equal($"Information: Created the live manifest {Live} from the shipped catalog {Catalog}", line);
    }

    [Fact]
    public void ACatalogCheckedOutWithOtherLineBreaksIsStillTheShippedOne()
    {
        WriteCatalog(ShippedCatalog.Text.ReplaceLineEndings("\r\n"));

        Assert.Equal(ManifestOrigin.ShippedCatalog, Seed().EnsureLiveManifest());
    }

    [Fact]
    public void ACatalogTheUserEditedSeedsTheLiveManifestAndTheLogSaysSo()
    {
        WriteCatalog(ShippedCatalog.Text.Replace("models:\n", "models:\n" + OwnModel, StringComparison.Ordinal));

        var origin = Seed().EnsureLiveManifest();

        Assert.Equal(ManifestOrigin.EditedCatalog, origin);
        Assert.Contains(OwnModel, File.ReadAllText(Live), StringComparison.Ordinal);
        Assert.Contains("my-own-model", ManifestReader.LoadFile(Live).Manifest.Models.Keys);
        var line = Assert.Single(_logger.Lines);
        Assert.StartsWith($"Warning: Created the live manifest {Live} from {Catalog}, which differs from the shipped catalog", line, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExistingLiveManifestIsNeverOverwritten()
    {
        WriteCatalog(ShippedCatalog.Text);
        Directory.CreateDirectory(DataDir);
        File.WriteAllText(Live, "models:\n" + OwnModel);

        var origin = Seed().EnsureLiveManifest();

        Assert.Equal(ManifestOrigin.Existing, origin);
        Assert.Equal("models:\n" + OwnModel, File.ReadAllText(Live));
        Assert.Equal([$"Information: Live manifest: {Live}"], _logger.Lines);
    }

    [Fact]
    public void WithoutACatalogFileTheCopyBuiltIntoLaminaSeeds()
    {
        var origin = Seed().EnsureLiveManifest();

        Assert.Equal(ManifestOrigin.BuiltIn, origin);
        Assert.Equal(ShippedCatalog.Text, File.ReadAllText(Live));
        Assert.Empty(ManifestReader.LoadFile(Live).Problems);
    }

    [Fact]
    public void AnExplicitManifestIsReadWhereItIsAndTheDataFolderGetsNone()
    {
        WriteCatalog(ShippedCatalog.Text);
        var elsewhere = Path.Combine(_root.FullName, "elsewhere", "my-models.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(elsewhere)!);
        File.WriteAllText(elsewhere, "models:\n" + OwnModel);
        var options = Options(elsewhere);

        var origin = new ManifestSeed(options, _logger).EnsureLiveManifest();

        Assert.Equal(elsewhere, options.Value.ManifestPath);
        Assert.Equal(ManifestOrigin.Existing, origin);
        Assert.Equal("models:\n" + OwnModel, File.ReadAllText(elsewhere));
        Assert.False(File.Exists(Live));
    }

    [Fact]
    public void TheLiveManifestDefaultsToTheDataFolder() => Assert.Equal(Live, Options("").Value.ManifestPath);

    public void Dispose() => _root.Delete(recursive: true);

    private ManifestSeed Seed() => new(Options(""), _logger);

    private IOptions<RegistryOptions> Options(string manifest) =>
        Microsoft.Extensions.Options.Options.Create(new RegistryOptions { Manifest = manifest, Catalog = Catalog, DataDir = DataDir });

    private void WriteCatalog(string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Catalog)!);
        File.WriteAllText(Catalog, text);
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(Catalog)!, "models.schema.json"), "{}");
    }

    /// <summary>Keeps each log line as "Level: message".</summary>
    private sealed class RecordingLogger : ILogger<ManifestSeed>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add($"{logLevel}: {formatter(state, exception)}");
    }
}
