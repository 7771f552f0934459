namespace Lamina.Engine.Tests;

/// <summary>The API tests share one engine: starting it costs more than most of them take.</summary>
[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<EngineFixture>
{
    public const string Name = "One shared engine";
}
