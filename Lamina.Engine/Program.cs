using Lamina.Engine;
using Lamina.Engine.CommandLine;

var command = EngineCommand.Parse(args, Console.Out, Console.Error);
if (command.Options is not { } options)
    return command.ExitCode;

// An empty builder starts fastest: the engine reads no configuration files or environment
// settings, and its flags are llama-server's, not configuration keys.
var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
builder.AddEngine(options);

var app = builder.Build();
app.MapEngine(options);
return await app.RunEngineAsync();
