using Lamina.TestSupport.Backends.Apis.Contracts;
using Lamina.TestSupport.Backends.CommandLine;

namespace Lamina.TestSupport.Backends.Apis;

/// <summary><c>GET /v1/models</c>: the ids this backend serves, which is MLC's only readiness signal.</summary>
internal static class ModelsApi
{
    public static WebApplication MapModelsApi(this WebApplication app)
    {
        app.MapGet("/v1/models", (BackendOptions options, TimeProvider time) =>
        {
            var owner = options.Personality switch
            {
                Personality.LlamaServer => "llamacpp",
                Personality.Vllm => "vllm",
                _ => "MLC-LLM",
            };
            var created = time.GetUtcNow().ToUnixTimeSeconds();
            return TypedResults.Ok(new ModelList("list", [.. options.ModelIds.Select(id => new ModelCard(id, "model", created, owner))]));
        });
        return app;
    }
}
