using Microsoft.Extensions.Options;

namespace Lamina.Store;

internal static class Extensions
{
    /// <summary>Adds the embedded Garnet store, its validated options and a one-line console log.</summary>
    public static void AddStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StoreOptions>().BindConfiguration(StoreOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>();
        builder.Services.AddHostedService<StoreService>();

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        // Garnet's categories are bare class names and chatty at Information; keep its warnings and errors.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Lamina", LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        // It warns on every start that its own logging flags are ignored because ours is used.
        builder.Logging.AddFilter("ArgParser", LogLevel.Error);
    }
}
