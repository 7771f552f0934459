using Lamina.TestSupport.Aspire;

namespace Lamina.AppHost.Tests;

/// <summary>One started system shared by every test of a class: starting one takes seconds.</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public LaminaSystem System { get; private set; } = null!;

    public async Task InitializeAsync() => System = await LaminaSystem.StartAsync(LaminaSystem.PreferredStore);

    public async Task DisposeAsync()
    {
        await System.DisposeAsync();
        System.DeleteFiles();
    }
}
