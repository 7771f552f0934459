using System.Security.Cryptography;
using System.Text;

namespace Lamina.TestSupport.Backends.Generation;

/// <summary>Eight floats in [-1, 1] drawn from the SHA-256 of the input: the same text always gets the same vector.</summary>
internal static class FakeEmbedding
{
    public const int Dimensions = 8;

    public static float[] Of(string input)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(input));
        var vector = new float[Dimensions];
        for (var i = 0; i < Dimensions; i++)
            vector[i] = BitConverter.ToUInt32(hash, i * 4) / (float)uint.MaxValue * 2 - 1;
        return vector;
    }
}
