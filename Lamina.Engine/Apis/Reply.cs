namespace Lamina.Engine.Apis;

/// <summary>What every chunk or object of one response repeats.</summary>
internal sealed record Reply(string Id, long Created, string Model, int PromptTokens)
{
    /// <summary>OpenAI's end-of-stream marker, sent as the last event's data.</summary>
    public const string Done = "[DONE]";
}
