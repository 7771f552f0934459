using System.Security.Cryptography;
using System.Text;

namespace Lamina.Gateway.Ollama;

/// <summary>
/// How Ollama's names meet Lamina's. A Lamina model is listed under its own name (<c>tiny</c>,
/// <c>qwen2.5:0.5b</c>), and a request finds it by that name or by the forms Ollama clients add:
/// <c>:latest</c>, <c>library/</c> and <c>registry.ollama.ai/library/</c>.
/// </summary>
public static class OllamaNames
{
    private const string DefaultHost = "registry.ollama.ai/";
    private const string DefaultSpace = "library/";
    private const string DefaultTag = ":latest";

    /// <summary>The Lamina names a requested name may mean, the name as written first.</summary>
    public static IReadOnlyList<string> Candidates(string name) =>
        ToLamina(name) is var lamina && lamina != name ? [name, lamina] : [name];

    /// <summary>The Lamina name for an Ollama name: without the default host, namespace and tag, lowercase, <c>/</c> as <c>-</c>.</summary>
    public static string ToLamina(string name)
    {
        var registryName = RegistryName(name);
        var bare = registryName.StartsWith(DefaultSpace, StringComparison.Ordinal) ? registryName[DefaultSpace.Length..] : registryName;
        bare = bare.EndsWith(DefaultTag, StringComparison.Ordinal) ? bare[..^DefaultTag.Length] : bare;
        return bare.Replace('/', '-');
    }

    /// <summary>The name to ask the Ollama registry for: <c>[namespace/]model[:tag]</c>, lowercase.</summary>
    public static string RegistryName(string name)
    {
        var trimmed = name.Trim().ToLowerInvariant();
        return trimmed.StartsWith(DefaultHost, StringComparison.Ordinal) ? trimmed[DefaultHost.Length..] : trimmed;
    }

    /// <summary>A model's digest: the manifest's sha256 when it declares one, else a stable one made from its name and path.</summary>
    public static string Digest(string name, string? sha256, string? path) =>
        sha256 is { Length: 64 } ? sha256 : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{name}\n{path}")));
}
