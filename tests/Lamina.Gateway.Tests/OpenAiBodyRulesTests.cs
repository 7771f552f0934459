using System.Text;
using Lamina.Gateway.OpenAi;

namespace Lamina.Gateway.Tests;

public sealed class OpenAiBodyRulesTests
{
    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"m"}""", "messages")]
    [InlineData("/v1/chat/completions", """{"model":"m","messages":"hi"}""", "messages")]
    [InlineData("/v1/chat/completions", """{"model":"m","messages":[]}""", "messages")]
    [InlineData("/v1/chat/completions", """{"model":"m","messages":[{"content":"hi"}]}""", "messages[0]")]
    [InlineData("/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":"16"}""", "max_tokens")]
    [InlineData("/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens")]
    [InlineData("/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", "stream")]
    [InlineData("/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}""", "temperature")]
    [InlineData("/v1/completions", """{"model":"m"}""", "prompt")]
    [InlineData("/v1/embeddings", """{"model":"m","input":[]}""", "input")]
    public void ABodyItsRouteCannotUseIsRefusedNamingTheField(string path, string body, string field)
    {
        var broken = OpenAiBodyRules.Check(path, OpenAiBody.Read(Encoding.UTF8.GetBytes(body))!);

        Assert.NotNull(broken);
        Assert.Equal(field, broken.Value.Field);
        Assert.Contains($"'{field}'", broken.Value.Message);
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":16,"stream":true,"temperature":0.2}""")]
    [InlineData("/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"max_tokens":null}""")]
    [InlineData("/v1/completions", """{"model":"m","prompt":["a","b"]}""")]
    [InlineData("/v1/embeddings", """{"model":"m","input":"hello"}""")]
    public void ABodyAsOpenAiDescribesItPasses(string path, string body)
    {
        Assert.Null(OpenAiBodyRules.Check(path, OpenAiBody.Read(Encoding.UTF8.GetBytes(body))!));
    }
}
