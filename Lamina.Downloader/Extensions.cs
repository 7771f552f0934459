namespace Lamina.Downloader;

public static class Extensions
{
    /// <summary>
    /// Connects to the store the download queue will live in; its health check keeps the
    /// Downloader unhealthy while Redis cannot be reached.
    /// </summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");
    }
}
