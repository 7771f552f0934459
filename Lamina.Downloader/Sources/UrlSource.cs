using System.Text.Json.Nodes;
using Lamina.Downloader.Transfer;
using Lamina.Shared.Manifest;

namespace Lamina.Downloader.Sources;

/// <summary>A plain <c>http</c> or <c>https</c> URL, with an optional sha256 to verify.</summary>
public static class UrlSource
{
    public static SourcePlan Plan(string model, JsonObject source, string? path, string? format, string? sha256, string modelsDir)
    {
        var text = source["url"] is JsonValue value && value.TryGetValue<string>(out var given) ? given : null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new TransferException($"url source needs an absolute http or https URL, got '{text}'");
        }

        var digest = (source["sha256"] is JsonValue digestValue && digestValue.TryGetValue<string>(out var declared) ? declared : sha256)?.ToLowerInvariant();
        if (digest is not null && (digest.Length != 64 || !digest.All(char.IsAsciiHexDigit)))
        {
            throw new TransferException($"url source's sha256 must be 64 hexadecimal characters, got '{digest}'");
        }

        var relative = path ?? $"{model}/{Targets.FileName(Uri.UnescapeDataString(url.AbsolutePath)) ?? "model.gguf"}";
        return new SourcePlan("url", relative, format ?? ModelFormats.Infer(model, relative, ModelBackends.Auto),
            [new TransferRequest(url, Targets.Inside(modelsDir, relative)) { Sha256 = digest }]);
    }
}
