using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lamina.Registry.Catalog;

/// <summary>Degraded while the manifest cannot be read: the Registry still serves the last good catalog.</summary>
public sealed class ManifestHealthCheck(ModelCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(catalog.Current.Problems is { Count: > 0 } problems
            ? HealthCheckResult.Degraded($"{problems.Count} manifest problem(s), see GET /manifest: {problems[0]}")
            : HealthCheckResult.Healthy());
}
