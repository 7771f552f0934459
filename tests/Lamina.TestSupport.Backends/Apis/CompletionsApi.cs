namespace Lamina.TestSupport.Backends.Apis;

/// <summary>The two generation routes all three backends share.</summary>
internal static class CompletionsApi
{
    public static WebApplication MapCompletionsApi(this WebApplication app)
    {
        app.MapPost("/v1/chat/completions", ChatCompletionsEndpoint.HandleAsync);
        app.MapPost("/v1/completions", CompletionsEndpoint.HandleAsync);
        return app;
    }
}
