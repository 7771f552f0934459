using System.Text.Json.Nodes;
using Lamina.Gateway.Docs;
using Microsoft.AspNetCore.Http.HttpResults;
using Scalar.AspNetCore;

namespace Lamina.Gateway.Apis;

public static class DocsApi
{
    /// <summary>Maps <c>/openapi/lamina.json</c>, the whole API in one document, and <c>/docs</c>, a page to browse and try it.</summary>
    public static IEndpointRouteBuilder MapDocsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/openapi/lamina.json", GetDocument).WithTags("Docs").ExcludeFromDescription();
        app.MapScalarApiReference("/docs", options => options
            .WithTitle("Lamina API")
            .WithOpenApiRoutePattern("/openapi/lamina.json"));
        return app;
    }

    public static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> GetDocument(HttpContext context, ApiDocument document, CancellationToken cancellationToken)
    {
        // The gateway's own routes, as ASP.NET Core describes them, asked of itself with the caller's key.
        using var own = new HttpClient { BaseAddress = new Uri($"{context.Request.Scheme}://{context.Request.Host}") };
        if (context.Request.Headers.Authorization.ToString() is { Length: > 0 } key)
        {
            own.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", key);
        }

        var gateway = JsonNode.Parse(await own.GetStringAsync("/openapi/v1.json", cancellationToken)) as JsonObject;
        return gateway is null
            ? TypedResults.Problem("the gateway's own OpenAPI document could not be read", statusCode: StatusCodes.Status500InternalServerError)
            : TypedResults.Ok(await document.BuildAsync(gateway, cancellationToken));
    }
}
