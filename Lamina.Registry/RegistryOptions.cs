using Microsoft.Extensions.Options;

namespace Lamina.Registry;

/// <summary>Where the catalog lives (section <c>Lamina</c>, shared with the AppHost).</summary>
public sealed class RegistryOptions
{
    public const string Section = "Lamina";

    /// <summary>The models.yaml to read; relative paths are from the working directory.</summary>
    public string Manifest { get; set; } = "models.yaml";

    /// <summary>The folder that relative model paths are under.</summary>
    public string ModelsDir { get; set; } = "models";

    /// <summary>Where Lamina keeps its own state (here: the verdicts of sha256 checks).</summary>
    public string DataDir { get; set; } = ".lamina";
}

public sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Manifest))
        {
            failures.Add("Lamina:Manifest must name the models.yaml file to read.");
        }

        if (string.IsNullOrWhiteSpace(options.ModelsDir))
        {
            failures.Add("Lamina:ModelsDir must name the folder that holds the model files.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
