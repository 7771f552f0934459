using System.Text.Json.Nodes;
using Lamina.Gateway.Docs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
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

    public static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> GetDocument(
        [FromKeyedServices("v1")] IOpenApiDocumentProvider own, ApiDocument document, CancellationToken cancellationToken)
    {
        // The gateway's own routes, as ASP.NET Core describes them, built in process: never fetched from the Host a request names.
        var described = await (await own.GetOpenApiDocumentAsync(cancellationToken)).SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken);
        return JsonNode.Parse(described) is JsonObject gateway
            ? TypedResults.Ok(await document.BuildAsync(gateway, cancellationToken))
            : TypedResults.Problem("the gateway's own OpenAPI document could not be read", statusCode: StatusCodes.Status500InternalServerError);
    }
}
