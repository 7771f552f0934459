namespace Lamina.AppHost.Tests;

/// <summary>The test classes that share one started system.</summary>
[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "Lamina system";
}
