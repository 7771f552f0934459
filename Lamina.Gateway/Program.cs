using Lamina.Gateway;
using Lamina.Gateway.Apis;
using Lamina.Gateway.Errors;

GatewayRuntime.PreferInlineSocketCompletions();
CpuPriority.Raise();
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ServiceFailures>();

var app = builder.Build();
app.UseExceptionHandler();
app.UseApiKeys();
app.MapDefaultEndpoints();
app.MapOpenAiApi();
app.MapOllamaApi();
app.MapDocsApi();
app.MapUnknownRoutes();
app.MapServiceRoutes();
app.Run();

public partial class Program;
