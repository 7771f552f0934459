using System.Collections.Frozen;
using System.Text;
using LLama;
using LLama.Exceptions;
using LLama.Native;

namespace Lamina.Engine.Loading;

/// <summary>The weights and what every request needs to know about them, read once at load.</summary>
internal sealed class LoadedModel : IDisposable
{
    // llama-server falls back to ChatML when a model carries no template; so do we.
    private const string FallbackTemplate = "chatml";

    public LoadedModel(LLamaWeights weights, string id, DateTimeOffset created, uint contextSize)
    {
        Weights = weights;
        ContextSize = contextSize;
        Id = id;
        Created = created;
        (ChatTemplate, TemplateSource) = ResolveTemplate(weights.NativeHandle.GetTemplate(strict: false));
        var vocab = weights.Vocab;
        VocabularySize = vocab.Count;
        EndOfGeneration = Enumerable.Range(0, vocab.Count)
            .Select(i => (LLamaToken)i)
            .Where(t => t.IsEndOfGeneration(vocab))
            .ToFrozenSet();
        SuppressEndOfGeneration = EndOfGeneration.ToFrozenDictionary(t => t, _ => float.NegativeInfinity);
    }

    public LLamaWeights Weights { get; }

    public string Id { get; }

    public DateTimeOffset Created { get; }

    /// <summary>Tokens each slot holds: prompt and generated text together must fit.</summary>
    public uint ContextSize { get; }

    /// <summary>Length of the vectors /v1/embeddings responds with.</summary>
    public int EmbeddingSize => Weights.EmbeddingSize;

    /// <summary>Token ids from 0 up to this are the model's; others would crash llama.cpp.</summary>
    public int VocabularySize { get; }

    /// <summary>The GGUF's chat template, which llama.cpp's built-in matcher turns into a known format.</summary>
    public string ChatTemplate { get; }

    /// <summary>Where <see cref="ChatTemplate"/> came from, for the load log line.</summary>
    public string TemplateSource { get; }

    public FrozenSet<LLamaToken> EndOfGeneration { get; }

    /// <summary>
    /// The logit bias that implements ignore_eos: DefaultSamplingPipeline.PreventEOS has no
    /// effect in LLamaSharp 0.30, so the end tokens are made impossible instead.
    /// </summary>
    public IReadOnlyDictionary<LLamaToken, float> SuppressEndOfGeneration { get; }

    /// <summary>Tokens as llama-server makes them: BOS when the model wants it, special tokens parsed.</summary>
    public LLamaToken[] Tokenize(string text) => Weights.Tokenize(text, true, true, Encoding.UTF8);

    public string ApplyChatTemplate(IEnumerable<(string Role, string Content)> messages)
    {
        var template = new LLamaTemplate(ChatTemplate) { AddAssistant = true };
        foreach (var (role, content) in messages)
            template.Add(role, content);
        return LLamaTemplate.Encoding.GetString(template.Apply());
    }

    public void Dispose() => Weights.Dispose();

    // LLamaTemplate asks llama.cpp's built-in matcher, not a Jinja engine: a template it does not
    // recognise fails on every request, so it is found out once, here, and replaced by ChatML.
    private static (string Template, string Source) ResolveTemplate(string? fromModel)
    {
        if (fromModel is null)
            return (FallbackTemplate, "chatml (the model has none)");
        try
        {
            new LLamaTemplate(fromModel) { AddAssistant = true }.Add("user", "probe").Apply();
            return (fromModel, "from the model");
        }
        catch (MissingTemplateException)
        {
            return (FallbackTemplate, "chatml (the model's is not one llama.cpp knows)");
        }
    }
}
