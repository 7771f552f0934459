using Lamina.Gateway;
using Lamina.Gateway.Apis;

GatewayRuntime.PreferInlineSocketCompletions();
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseApiKeys();
app.MapDefaultEndpoints();
app.MapOpenAiApi();
app.MapOllamaApi();
app.MapDocsApi();
app.MapReverseProxy();
app.Run();

public partial class Program;
