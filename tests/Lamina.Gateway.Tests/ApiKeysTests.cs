using Lamina.Gateway.Security;

namespace Lamina.Gateway.Tests;

public sealed class ApiKeysTests
{
    [Fact]
    public void OnlyAKnownKeyIsAccepted()
    {
        var keys = new ApiKeys(["alpha-key", "beta-key"]);

        Assert.True(keys.Accepts("beta-key"));
        Assert.False(keys.Accepts("beta-ke"));
        Assert.False(keys.Accepts("beta-key "));
        Assert.False(keys.Accepts(""));
        Assert.True(new ApiKeys([]).IsEmpty);
    }
}
