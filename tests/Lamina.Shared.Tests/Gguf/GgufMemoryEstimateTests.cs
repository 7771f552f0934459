using Lamina.Shared.Gguf;
using Lamina.TestSupport.Gguf;

namespace Lamina.Shared.Tests.Gguf;

public sealed class GgufMemoryEstimateTests
{
    private static readonly GgufModelInfo _tiny = GgufReader.Read(new MemoryStream(TinyFile.Bytes));

    // 2 (K and V) x layers x context x kv heads x head dimension x 2 bytes (f16).
    private const long TinyKvBytesPerToken = 2L * TinyGguf.BlockCount * TinyGguf.HeadCountKv * TinyFile.HeadDim * 2;

    [Fact]
    public void KvCacheAtTheModelsOwnContextIsTwoBytesPerCachedElement()
    {
        var estimate = _tiny.EstimateMemory();

        Assert.Equal(TinyGguf.ContextLength, estimate.ContextLength);
        Assert.Equal(TinyKvBytesPerToken * TinyGguf.ContextLength, estimate.KvCacheBytes);
        Assert.Equal(65_536, estimate.KvCacheBytes);
    }

    [Fact]
    public void KvCacheGrowsWithContextAndWithEachParallelSequence()
    {
        var estimate = _tiny.EstimateMemory(contextLength: 1024, parallel: 3);

        Assert.Equal(TinyKvBytesPerToken * 1024 * 3, estimate.KvCacheBytes);
    }

    [Fact]
    public void TotalIsWeightsCacheComputeBufferAndMargin()
    {
        var estimate = _tiny.EstimateMemory();
        const long cells = TinyGguf.ContextLength;
        const long compute = 4 * cells * (1 + 4 * TinyGguf.EmbeddingLength + cells * (1 + TinyGguf.HeadCount));
        var sum = _tiny.TensorBytes + estimate.KvCacheBytes + compute;

        Assert.Equal(_tiny.TensorBytes, estimate.WeightsBytes);
        Assert.Equal(compute, estimate.ComputeBufferBytes);
        Assert.Equal(sum * GgufMemoryEstimate.MarginPercent / 100 + GgufMemoryEstimate.FixedOverheadBytes, estimate.MarginBytes);
        Assert.Equal(sum + estimate.MarginBytes, estimate.TotalBytes);
        Assert.Equal(estimate.TotalBytes, _tiny.EstimateMemoryBytes());
    }

    [Fact]
    public void ComputeBufferForLongContextsCountsOneMicroBatchOfAttentionScores()
    {
        var estimate = _tiny.EstimateMemory(contextLength: 8192);

        Assert.Equal(4L * GgufMemoryEstimate.MicroBatch * (1 + 4 * TinyGguf.EmbeddingLength + 8192L * (1 + TinyGguf.HeadCount)), estimate.ComputeBufferBytes);
    }

    [Fact]
    public void AModelThatGivesNoContextLengthIsEstimatedAtTheDefault()
    {
        var estimate = (_tiny with { ContextLength = null }).EstimateMemory();

        Assert.Equal(GgufMemoryEstimate.DefaultContextLength, estimate.ContextLength);
        Assert.Equal(TinyKvBytesPerToken * GgufMemoryEstimate.DefaultContextLength, estimate.KvCacheBytes);
    }

    [Fact]
    public void WithoutHeadCountsEachLayerCachesAWholeEmbeddingRowForKAndV()
    {
        var estimate = (_tiny with { HeadCount = null, HeadCountKv = null }).EstimateMemory();

        Assert.Equal(2L * TinyGguf.BlockCount * TinyGguf.ContextLength * TinyGguf.EmbeddingLength * 2, estimate.KvCacheBytes);
    }

    [Fact]
    public void AbsurdSizesSaturateInsteadOfOverflowing()
    {
        var absurd = _tiny with { BlockCount = int.MaxValue, EmbeddingLength = int.MaxValue, HeadCount = 1, HeadCountKv = int.MaxValue };

        Assert.Equal(long.MaxValue, absurd.EstimateMemoryBytes(int.MaxValue, int.MaxValue));
    }

    [Fact]
    public void ContextAndParallelMustBePositive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _tiny.EstimateMemory(contextLength: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _tiny.EstimateMemory(parallel: 0));
    }
}
