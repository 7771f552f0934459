using System.Globalization;

namespace Lamina.Runner.Backends;

/// <summary>What a backend inherits from the Runner's environment, and what it must not.</summary>
public static class BackendEnvironment
{
    /// <summary>
    /// The Runner's own listening addresses would make an ASP.NET backend try to bind them;
    /// the parent pid lets the embedded engine exit if the Runner dies without stopping it.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> For(string model, IReadOnlyDictionary<string, string?> plan)
    {
        var environment = Base(model);
        foreach (var (name, value) in plan)
        {
            environment[name] = value;
        }

        return environment;
    }

    private static Dictionary<string, string?> Base(string model) => new()
    {
        ["ASPNETCORE_URLS"] = null,
        ["ASPNETCORE_HTTP_PORTS"] = null,
        ["ASPNETCORE_HTTPS_PORTS"] = null,
        ["HTTP_PORTS"] = null,
        ["HTTPS_PORTS"] = null,
        ["OTEL_SERVICE_NAME"] = $"backend-{model}",
        // Backend output is kept as plain lines for logs and failure reports.
        ["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = null,
        ["LAMINA_PARENT_PID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
    };
}
