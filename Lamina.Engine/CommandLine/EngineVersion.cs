using System.Reflection;
using System.Runtime.InteropServices;

namespace Lamina.Engine.CommandLine;

/// <summary>The --version text, shaped like llama-server's so tools that parse one can parse the other.</summary>
internal static class EngineVersion
{
    public static string Number { get; } = ReadNumber(typeof(EngineVersion).Assembly);

    public static string Text =>
        $"version: {Number} (lamina-engine)\n" +
        $"built with .NET {Environment.Version} for {RuntimeInformation.RuntimeIdentifier}, " +
        $"llama.cpp through LLamaSharp {LLamaSharpNumber()}";

    // The SDK appends "+<commit>" to the informational version; the number alone is what we report.
    private static string ReadNumber(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString()
        ?? "unknown";

    private static string LLamaSharpNumber() =>
        typeof(EngineVersion).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "LLamaSharpVersion")?.Value ?? "unknown";
}
