namespace Lamina.Peers.Tests;

/// <summary>Plain HTTP clients, as a downloader would hold them.</summary>
internal static class Clients
{
    public static HttpClient Following() => new() { Timeout = TimeSpan.FromSeconds(10) };

    public static HttpClient NotFollowing() =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };

    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
