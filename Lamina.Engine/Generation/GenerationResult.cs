using System.Text;

namespace Lamina.Engine.Generation;

/// <summary>A whole response, for clients that did not ask for a stream.</summary>
internal sealed record GenerationResult(string Text, string FinishReason, int CompletionTokens)
{
    public static async Task<GenerationResult> CollectAsync(IAsyncEnumerable<GenerationStep> steps)
    {
        var text = new StringBuilder();
        var finish = FinishReasons.Stop;
        var tokens = 0;
        await foreach (var step in steps)
        {
            text.Append(step.Text);
            finish = step.FinishReason ?? finish;
            tokens = step.CompletionTokens;
        }

        return new GenerationResult(text.ToString(), finish, tokens);
    }
}
