using Garnet.common;
using Lamina.Store;
using Microsoft.Extensions.Options;

var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddCommandLine(args, StoreOptions.SwitchMappings);
builder.AddStore();

using var host = builder.Build();
try
{
    // Resolving the options validates them: a bad flag prints one line, not the host's stack trace.
    _ = host.Services.GetRequiredService<IOptions<StoreOptions>>().Value;
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync($"Lamina.Store: {string.Join(" ", e.Failures)}");
    return 2;
}
catch (GarnetException e)
{
    // Garnet's own message says what went wrong, e.g. which address is already in use.
    await Console.Error.WriteLineAsync($"Lamina.Store: {e.Message}");
    return 3;
}
