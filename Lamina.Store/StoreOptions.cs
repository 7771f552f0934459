using System.Net;
using Microsoft.Extensions.Options;

namespace Lamina.Store;

/// <summary>Where the embedded Garnet store listens and keeps its data (section <c>Lamina:Store</c>).</summary>
public sealed class StoreOptions
{
    public const string SectionName = "Lamina:Store";

    /// <summary>Command-line switches that set these options.</summary>
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--port"] = $"{SectionName}:{nameof(Port)}",
        ["--bind"] = $"{SectionName}:{nameof(Bind)}",
        ["--dir"] = $"{SectionName}:{nameof(Dir)}",
    };

    /// <summary>TCP port for the Redis protocol; required.</summary>
    public int Port { get; set; }

    /// <summary>IP address to listen on.</summary>
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>Data directory for the AOF and checkpoints; when unset, data lives only as long as the process.</summary>
    public string? Dir { get; set; }
}

internal sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        List<string> failures = [];
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"{StoreOptions.SectionName}:Port is required and must be 1-65535 (got {options.Port}): " +
                "pass --port N or set Lamina__Store__Port.");
        }
        if (!IPAddress.TryParse(options.Bind, out _))
        {
            failures.Add($"{StoreOptions.SectionName}:Bind must be an IP address such as 127.0.0.1 (got '{options.Bind}').");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
