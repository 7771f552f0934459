using Lamina.Runner;
using Lamina.Runner.Apis;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapInstancesApi();
app.MapGpusApi();
app.MapBackendsApi();
app.Run();

public partial class Program;
