using Lamina.Registry;
using Lamina.Registry.Apis;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapModelsApi();
app.MapManifestApi();
app.MapCatalogApi();
app.MapSuggestApi();
app.Run();

public partial class Program;
