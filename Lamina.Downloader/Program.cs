using Lamina.Downloader;
using Lamina.Downloader.Apis;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapDownloadsApi();
app.Run();

public partial class Program;
