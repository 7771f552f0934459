using System.Diagnostics;
using System.Runtime.CompilerServices;
using Lamina.Engine.Loading;
using Lamina.Engine.Slots;
using LLama;
using LLama.Native;

namespace Lamina.Engine.Generation;

/// <summary>Runs one request in a free slot, piece by piece, until a stop, the token budget or cancellation.</summary>
internal sealed class Generator(ModelHost host, SlotPool slots, ILogger<Generator> logger)
{
    public async IAsyncEnumerable<GenerationStep> GenerateAsync(
        GenerationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var model = host.Model;
        using var lease = await slots.RentAsync(cancellationToken);
        var slot = lease.Slot;
        var started = Stopwatch.GetTimestamp();
        var produced = 0;
        var finished = false;
        try
        {
            // Each request starts from an empty cache: nothing of the previous one may leak in.
            slot.Context.NativeHandle.MemoryClear(true);
            await DecodePromptAsync(slot, request.Prompt, cancellationToken);

            using var sampler = request.Sampling.CreatePipeline(model);
            var decoder = new StreamingTokenDecoder(slot.Context);
            var stops = new StopMatcher(request.Stop);
            var position = request.Prompt.Length;
            string? finish = null;
            while (finish is null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var token = sampler.Sample(slot.Context.NativeHandle, slot.Batch.TokenCount - 1);
                if (model.EndOfGeneration.Contains(token))
                {
                    yield return new GenerationStep(stops.Flush(), FinishReasons.Stop, produced);
                    break;
                }

                produced++;
                decoder.Add(token);
                var text = stops.Push(decoder.Read());
                finish = stops.Stopped ? FinishReasons.Stop
                    : produced >= request.MaxTokens ? FinishReasons.Length
                    : null;
                if (finish is null)
                    await DecodeAsync(slot, token, position++, cancellationToken);
                else
                    text += stops.Flush();

                if (text.Length > 0 || finish is not null)
                    yield return new GenerationStep(text, finish, produced);
            }

            finished = true;
            var elapsed = Stopwatch.GetElapsedTime(started);
            logger.GenerationFinished(slot.Id, request.Prompt.Length, produced, elapsed.TotalMilliseconds,
                produced / Math.Max(elapsed.TotalSeconds, 1e-6), finish ?? FinishReasons.Stop);
        }
        finally
        {
            // Reached early when the client went away (cancellation), stopped reading, or decoding failed.
            if (!finished && cancellationToken.IsCancellationRequested)
                logger.GenerationCancelled(slot.Id, produced);
            else if (!finished)
                logger.GenerationAbandoned(slot.Id, produced);
        }
    }

    private static async Task DecodePromptAsync(Slot slot, LLamaToken[] prompt, CancellationToken cancellationToken)
    {
        var batchSize = (int)slot.Context.BatchSize;
        for (var start = 0; start < prompt.Length; start += batchSize)
        {
            var end = Math.Min(start + batchSize, prompt.Length);
            slot.Batch.Clear();
            slot.Batch.AddRange(prompt.AsSpan(start, end - start), start, LLamaSeqId.Zero, end == prompt.Length);
            Check(await slot.Context.DecodeAsync(slot.Batch, cancellationToken));
        }
    }

    private static async Task DecodeAsync(Slot slot, LLamaToken token, int position, CancellationToken cancellationToken)
    {
        slot.Batch.Clear();
        slot.Batch.Add(token, position, LLamaSeqId.Zero, true);
        Check(await slot.Context.DecodeAsync(slot.Batch, cancellationToken));
    }

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok)
            throw new InvalidOperationException($"llama_decode failed: {result}");
    }
}
