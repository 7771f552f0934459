using System.Text;
using System.Text.Json.Nodes;
using Lamina.Gateway.OpenAi;
using Lamina.Gateway.Routing;

namespace Lamina.Gateway.Tests;

public sealed class OpenAiRequestTests
{
    [Fact]
    public void TheModelStreamingAndKeepAliveAreReadFromTheTopLevelOnly()
    {
        var body = """{"messages":[{"role":"user","content":"hi","model":"not this"},{"role":"assistant","stream":false}],"stream":true,"model":"tiny","keep_alive":"5m","tools":[{"model":"nor this"}]}""";

        var (request, invalid) = OpenAiRequest.Parse("/v1/chat/completions", Encoding.UTF8.GetBytes(body));

        Assert.Null(invalid);
        Assert.Equal(new OpenAiRequest("tiny", Stream: true, KeepAlive: "5m"), request! with { Body = default });
        Assert.Equal(body, Encoding.UTF8.GetString(request.Body.Span));
    }

    [Theory]
    [InlineData("""{"model":"tiny","messages":[{"role":"user"}]} trailing""", "the body is not valid JSON")]
    [InlineData("""{"model":"tiny","messages":[{"role":"user"}]""", "the body is not valid JSON")]
    [InlineData("""["tiny"]""", "the body must be a JSON object")]
    [InlineData("""{"model":7,"messages":[{"role":"user"}]}""", "'model' is required")]
    [InlineData("""{"model":"tiny","messages":[{"role":"user"},{"content":"no role"}]}""", "'messages[1]' needs a \"role\"")]
    [InlineData("""{"model":"tiny","messages":[{"role":"user"}],"keep_alive":"soon"}""", "'keep_alive' is \"soon\"")]
    public void ABrokenBodyIsABadRequestThatSaysWhy(string body, string message)
    {
        var (request, invalid) = OpenAiRequest.Parse("/v1/chat/completions", Encoding.UTF8.GetBytes(body));

        Assert.Null(request);
        Assert.Equal(400, invalid!.StatusCode);
        Assert.StartsWith(message, invalid.Value!.Error.Message);
    }

    [Fact]
    public void TheModelIdItsBackendAnswersToReplacesTheTopLevelModelAndNothingElse()
    {
        var (request, _) = OpenAiRequest.Parse("/v1/chat/completions",
            Encoding.UTF8.GetBytes("""{ "model" : "alias", "messages":[{"role":"user","content":"the \"model\": stays"}] }"""));

        var forwarded = Encoding.UTF8.GetString(request!.BodyFor("tiny", new RouteResult("http://127.0.0.1:1", 200, null, "/models/tiny-\"mlc\"")).Span);
        var unchanged = request.BodyFor("alias", new RouteResult("http://127.0.0.1:1", 200, null)).ToArray();

        Assert.Equal("""{ "model" : "/models/tiny-\u0022mlc\u0022", "messages":[{"role":"user","content":"the \"model\": stays"}] }""", forwarded);
        Assert.Equal("/models/tiny-\"mlc\"", JsonNode.Parse(forwarded)!["model"]!.GetValue<string>());
        Assert.Equal(request.Body.ToArray(), unchanged);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", """{"model":"tiny","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{}""", """{"model":"tiny"}""")]
    [InlineData("""{"model":"other","n":1}""", """{"model":"tiny","n":1}""")]
    public void AModelIsAddedToABodyWithoutOne(string body, string expected)
    {
        Assert.Equal(expected, Encoding.UTF8.GetString(ServedModelBody.With(Encoding.UTF8.GetBytes(body), "tiny")));
    }
}
