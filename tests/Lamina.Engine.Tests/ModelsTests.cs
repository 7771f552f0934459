using System.Net;

namespace Lamina.Engine.Tests;

[Collection(EngineCollection.Name)]
public sealed class ModelsTests(EngineFixture fixture)
{
    [Fact]
    public async Task ModelsListsTheAliasAsTheOnlyModel()
    {
        using var response = await fixture.Client.GetAsync("v1/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("list", body.Text("object"));
        var model = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal(EngineFixture.Alias, model.Text("id"));
        Assert.Equal("model", model.Text("object"));
        Assert.Equal("lamina", model.Text("owned_by"));
        Assert.True(model.GetProperty("created").GetInt64() > 1_600_000_000);
    }

    [Fact]
    public async Task HealthIsOkOnceTheModelIsLoaded()
    {
        using var response = await fixture.Client.GetAsync("health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
    }
}
