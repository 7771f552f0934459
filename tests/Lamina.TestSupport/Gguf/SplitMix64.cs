namespace Lamina.TestSupport.Gguf;

/// <summary>
/// A seeded generator defined by integer arithmetic alone, so the same seed gives the same
/// weights on every runtime and CPU (System.Random's algorithm is not a documented contract).
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [-1, 1); 24 bits so that the float arithmetic is exact.</summary>
    public float NextSigned() => (Next() >> 40) / (float)(1 << 23) - 1f;
}
