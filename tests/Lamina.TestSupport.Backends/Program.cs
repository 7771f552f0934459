using Lamina.TestSupport.Backends;
using Lamina.TestSupport.Backends.CommandLine;
using Lamina.TestSupport.Backends.Recording;

// The record comes first, so even a command line the backend rejects shows what it was given.
var recorder = Recorder.Start(args);
var command = BackendCommand.Parse(args, Console.Out, Console.Error);
if (command.Options is not { } options)
    return recorder.Exited(command.ExitCode);

// The empty builder reads no appsettings or ASPNETCORE_* variables: only the real program's flags count.
var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
builder.AddFakeBackend(options, recorder);

var app = builder.Build();
app.MapFakeBackend(options);
return recorder.Exited(await app.RunFakeBackendAsync());
