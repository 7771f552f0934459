namespace Lamina.AppHost.Store;

/// <summary>A Redis-protocol store run as a local program (redis-server or Lamina's embedded Garnet).</summary>
public sealed class StoreResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public EndpointReference Endpoint => new(this, "tcp");

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.HostAndPort)}");
}
