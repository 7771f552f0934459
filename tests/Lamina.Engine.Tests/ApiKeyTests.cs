using System.Net;
using System.Net.Http.Headers;

namespace Lamina.Engine.Tests;

public sealed class ApiKeyTests(ApiKeyEngineFixture fixture) : IClassFixture<ApiKeyEngineFixture>
{
    [Fact]
    public async Task HealthAnswersWithoutTheKey()
    {
        using var response = await fixture.Client.GetAsync("health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RequestWithoutTheKeyIsUnauthorized()
    {
        using var response = await fixture.Client.GetAsync("v1/models");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("authentication_error", (await response.ReadJsonAsync()).GetProperty("error").Text("type"));
    }

    [Fact]
    public async Task RequestWithAWrongKeyIsUnauthorized()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key");

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RequestWithTheKeyIsServed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKeyEngineFixture.ApiKey);

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
