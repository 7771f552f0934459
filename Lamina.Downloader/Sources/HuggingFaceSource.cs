using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lamina.Downloader.Transfer;
using Lamina.Shared.Manifest;
using Microsoft.Extensions.Options;

namespace Lamina.Downloader.Sources;

/// <summary>
/// Files from a Hugging Face repository through the hub's resolve protocol: a HEAD that is not
/// followed across hosts gives the commit, the real size and the sha256 (<c>X-Linked-Etag</c>)
/// and the file server's URL; folder models list the repository's tree and take every file a
/// <c>files</c> pattern matches.
/// </summary>
public sealed partial class HuggingFaceSource(HttpClient hub, IOptions<HuggingFaceOptions> options)
{
    private const int MaxRedirects = 5;

    /// <summary>The plan for <c>{repo_id, filename, revision}</c>, or <c>{repo_id, files: [patterns], revision}</c> for a folder model.</summary>
    public async Task<SourcePlan> PlanAsync(string model, JsonObject source, string? path, string? format, string modelsDir, CancellationToken cancellationToken)
    {
        var repo = Text(source, "repo_id") ?? throw new TransferException("huggingface source needs repo_id, like \"Qwen/Qwen2.5-0.5B-Instruct-GGUF\"");
        if (!RepoId().IsMatch(repo))
        {
            throw new TransferException($"'{repo}' is not a Hugging Face repository id; write it as owner/name");
        }

        var revision = Text(source, "revision") ?? "main";
        if (Text(source, "filename") is { } filename)
        {
            var file = await ResolveAsync(repo, revision, filename, cancellationToken);
            var relative = path ?? $"{model}/{Targets.FileName(filename) ?? throw new TransferException($"'{filename}' is not a file name")}";
            return new SourcePlan("huggingface", relative, format ?? ModelFormats.Infer(model, relative, ModelBackends.Auto), [file with { TargetPath = Targets.Inside(modelsDir, relative) }]);
        }

        var patterns = (source["files"] as JsonArray)?.Select(node => node?.GetValue<string>()).OfType<string>().ToList();
        if (patterns is not { Count: > 0 })
        {
            throw new TransferException($"huggingface source for '{repo}' needs filename (one file) or files (patterns such as [\"*.safetensors\", \"*.json\"]) for a folder model");
        }

        var folder = path ?? model;
        var listed = await TreeAsync(repo, revision, cancellationToken);
        var matched = listed.Where(file => patterns.Any(pattern => Glob(pattern).IsMatch(file))).ToList();
        if (matched.Count == 0)
        {
            throw new TransferException($"no file of '{repo}' at {revision} matches {string.Join(", ", patterns)}; it has: {string.Join(", ", listed.Take(20))}");
        }

        var files = new List<TransferRequest>();
        foreach (var name in matched)
        {
            var file = await ResolveAsync(repo, revision, name, cancellationToken);
            files.Add(file with { TargetPath = Targets.Inside(modelsDir, $"{folder}/{name}") });
        }

        return new SourcePlan("huggingface", folder, format ?? ModelFormats.Infer(model, folder, ModelBackends.Auto), files);
    }

    /// <summary>Where one file really is, its size and its sha256, following the hub's own (relative) redirects only.</summary>
    private async Task<TransferRequest> ResolveAsync(string repo, string revision, string filename, CancellationToken cancellationToken)
    {
        var url = new Uri(options.Value.Endpoint, $"{repo}/resolve/{Uri.EscapeDataString(revision)}/{string.Join('/', filename.Split('/').Select(Uri.EscapeDataString))}");
        string? sha256 = null;
        long? size = null;
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            using var head = Authorized(new HttpRequestMessage(HttpMethod.Head, url));
            head.Headers.AcceptEncoding.ParseAdd("identity");
            using var response = await hub.SendAsync(head, cancellationToken);
            sha256 ??= Header(response, "X-Linked-Etag")?.Trim('"', ' ').ToLowerInvariant();
            size ??= long.TryParse(Header(response, "X-Linked-Size"), out var linked) ? linked : null;
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                var next = location.IsAbsoluteUri ? location : new Uri(url, location);
                if (next.Authority == url.Authority)
                {
                    url = next;
                    continue;
                }

                // The file server: its signed URL needs no token, and must not be given one.
                return new TransferRequest(next, "") { Size = size, Sha256 = Sha256OrNull(sha256) };
            }

            if (response.IsSuccessStatusCode)
            {
                // A small file kept in git: served by the hub itself, with the token.
                return new TransferRequest(url, "") { Size = size ?? response.Content.Headers.ContentLength, Sha256 = Sha256OrNull(sha256), Headers = AuthHeaders() };
            }

            throw Refusal(response, repo, revision, filename);
        }

        throw new TransferException($"the hub redirected {repo}/{filename} more than {MaxRedirects} times");
    }

    private async Task<List<string>> TreeAsync(string repo, string revision, CancellationToken cancellationToken)
    {
        var url = new Uri(options.Value.Endpoint, $"api/models/{repo}/tree/{Uri.EscapeDataString(revision)}?recursive=true");
        using var response = await hub.SendAsync(Authorized(new HttpRequestMessage(HttpMethod.Get, url)), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Refusal(response, repo, revision, null);
        }

        var entries = await response.Content.ReadFromJsonAsync<JsonArray>(cancellationToken) ?? [];
        return [.. entries.OfType<JsonObject>().Where(entry => Text(entry, "type") == "file").Select(entry => Text(entry, "path")).OfType<string>()];
    }

    private TransferException Refusal(HttpResponseMessage response, string repo, string revision, string? filename)
    {
        var code = Header(response, "X-Error-Code");
        var tokenHint = options.Value.Token is null ? "set Lamina:HuggingFace:Token to a token that can read it" : "check that Lamina:HuggingFace:Token can read it";
        return new TransferException(code switch
        {
            "GatedRepo" => $"'{repo}' is gated: accept its terms on its Hugging Face page, then {tokenHint}",
            "RepoNotFound" => $"Hugging Face has no repository '{repo}' (or it is private: {tokenHint})",
            "RevisionNotFound" => $"'{repo}' has no revision '{revision}'; use a branch, tag or commit it has",
            "EntryNotFound" => $"'{repo}' has no file '{filename}' at revision '{revision}'; check the filename against the repository's files",
            _ when response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => $"Hugging Face refused '{repo}' ({(int)response.StatusCode}); {tokenHint}",
            _ => $"Hugging Face responded {(int)response.StatusCode} {response.ReasonPhrase} for '{repo}'{(filename is null ? "" : $" file '{filename}'")}: {Header(response, "X-Error-Message")}",
        });
    }

    private HttpRequestMessage Authorized(HttpRequestMessage message)
    {
        foreach (var (name, value) in AuthHeaders())
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    private Dictionary<string, string> AuthHeaders() =>
        options.Value.Token is { Length: > 0 } token ? new() { ["Authorization"] = $"Bearer {token}" } : [];

    private static string? Sha256OrNull(string? text) => text is { Length: 64 } && text.All(char.IsAsciiHexDigit) ? text : null;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string? Text(JsonObject json, string name) => json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A <c>files</c> pattern: <c>*</c> within a folder, <c>**</c> across folders, <c>?</c> one character.</summary>
    private static Regex Glob(string pattern) => new(
        "^" + Regex.Escape(pattern).Replace(@"\*\*", ".*").Replace(@"\*", "[^/]*").Replace(@"\?", "[^/]") + "$", RegexOptions.CultureInvariant);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex RepoId();
}
