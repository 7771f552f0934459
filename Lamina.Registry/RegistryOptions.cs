using Microsoft.Extensions.Options;

namespace Lamina.Registry;

/// <summary>Where the catalog lives (section <c>Lamina</c>, shared with the AppHost).</summary>
public sealed class RegistryOptions
{
    public const string Section = "Lamina";

    /// <summary>The live manifest Lamina reads and writes; empty for models.yaml in the data folder. Relative paths are from the working directory.</summary>
    public string Manifest { get; set; } = "";

    /// <summary>The versioned catalog a missing live manifest is created from (Lamina's built-in copy when this file is not there).</summary>
    public string Catalog { get; set; } = "models.yaml";

    /// <summary>The folder that relative model paths are under.</summary>
    public string ModelsDir { get; set; } = "models";

    /// <summary>Where Lamina keeps its own state: the live manifest (by default) and the verdicts of sha256 checks.</summary>
    public string DataDir { get; set; } = ".lamina";

    /// <summary>The live manifest's full path.</summary>
    public string ManifestPath => Path.GetFullPath(string.IsNullOrWhiteSpace(Manifest) ? Path.Combine(DataDir, "models.yaml") : Manifest);
}

public sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            failures.Add("Lamina:DataDir must name the folder Lamina keeps its state in (default .lamina).");
        }

        if (string.IsNullOrWhiteSpace(options.ModelsDir))
        {
            failures.Add("Lamina:ModelsDir must name the folder that holds the model files.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
