namespace Lamina.Shared.Hosting;

/// <summary>
/// A comma-separated list of API keys as Lamina:Gateway:ApiKeys and AdminKeys hold them. The AppHost (which opens the
/// gateway to the network only when there are keys) and the gateway (which checks them) must read it alike.
/// </summary>
public static class KeyList
{
    public static string[] Parse(string? keys) =>
        (keys ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
