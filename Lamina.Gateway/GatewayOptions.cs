using Lamina.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace Lamina.Gateway;

/// <summary>Who may come in and how much each model takes at once (section <c>Lamina:Gateway</c>).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Lamina:Gateway";

    /// <summary>Comma-separated keys; when set, every route but <c>/health</c> needs <c>Authorization: Bearer &lt;key&gt;</c>. Empty: localhost only.</summary>
    public string? ApiKeys { get; set; }

    /// <summary>Comma-separated keys for routes that change things (start, stop, downloads, manifest edits, pull, delete); empty: any API key.</summary>
    public string? AdminKeys { get; set; }

    /// <summary>Requests one model serves at once; more wait in its queue. 0: no limit (the backend queues them itself).</summary>
    public int MaxConcurrentPerModel { get; set; }

    /// <summary>Requests that may wait for one model when MaxConcurrentPerModel is reached; beyond it, 429 with Retry-After.</summary>
    public int MaxQueuePerModel { get; set; } = 256;

    /// <summary>The longest a request waits for its model to start before it gets a 503.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a streaming request that waits for its model gets an SSE comment, so clients do not time out.</summary>
    public TimeSpan StreamKeepAlive { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest request body accepted, in bytes.</summary>
    public long MaxBodyBytes { get; set; } = 32L << 20;

    public IReadOnlyList<string> ApiKeyList => KeyList.Parse(ApiKeys);

    public IReadOnlyList<string> AdminKeyList => KeyList.Parse(AdminKeys);
}

public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        if (options.MaxConcurrentPerModel < 0)
        {
            failures.Add("Lamina:Gateway:MaxConcurrentPerModel must be 0 (no limit) or more.");
        }

        if (options.MaxQueuePerModel < 0)
        {
            failures.Add("Lamina:Gateway:MaxQueuePerModel must be 0 or more.");
        }

        if (options.StartTimeout <= TimeSpan.Zero || options.StreamKeepAlive <= TimeSpan.Zero)
        {
            failures.Add("Lamina:Gateway:StartTimeout and StreamKeepAlive must be positive durations such as 00:10:00.");
        }

        if (options.MaxBodyBytes < 1024)
        {
            failures.Add("Lamina:Gateway:MaxBodyBytes must be at least 1024.");
        }

        if (options.AdminKeyList.Count > 0 && options.ApiKeyList.Count == 0)
        {
            failures.Add("Lamina:Gateway:AdminKeys is set but ApiKeys is not; set ApiKeys too (admin keys open the admin routes, API keys the rest).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
