namespace Lamina.Shared.Gguf;

/// <summary>
/// How ggml stores one tensor type: <see cref="BlockSize"/> elements take <see cref="TypeSize"/>
/// bytes, so a row of n elements takes n / BlockSize * TypeSize bytes.
/// </summary>
public sealed record GgmlTypeLayout(GgmlType Type, string Name, int BlockSize, int TypeSize)
{
    // Super-block size of the K and most IQ quantisations (ggml's QK_K).
    private const int K = 256;

    private static readonly GgmlTypeLayout?[] _byId = Build(
    [
        new(GgmlType.F32, "f32", 1, 4),
        new(GgmlType.F16, "f16", 1, 2),
        new(GgmlType.Q4_0, "q4_0", 32, 18),
        new(GgmlType.Q4_1, "q4_1", 32, 20),
        new(GgmlType.Q5_0, "q5_0", 32, 22),
        new(GgmlType.Q5_1, "q5_1", 32, 24),
        new(GgmlType.Q8_0, "q8_0", 32, 34),
        new(GgmlType.Q8_1, "q8_1", 32, 36),
        new(GgmlType.Q2_K, "q2_K", K, 84),
        new(GgmlType.Q3_K, "q3_K", K, 110),
        new(GgmlType.Q4_K, "q4_K", K, 144),
        new(GgmlType.Q5_K, "q5_K", K, 176),
        new(GgmlType.Q6_K, "q6_K", K, 210),
        new(GgmlType.Q8_K, "q8_K", K, 292),
        new(GgmlType.IQ2_XXS, "iq2_xxs", K, 66),
        new(GgmlType.IQ2_XS, "iq2_xs", K, 74),
        new(GgmlType.IQ3_XXS, "iq3_xxs", K, 98),
        new(GgmlType.IQ1_S, "iq1_s", K, 50),
        new(GgmlType.IQ4_NL, "iq4_nl", 32, 18),
        new(GgmlType.IQ3_S, "iq3_s", K, 110),
        new(GgmlType.IQ2_S, "iq2_s", K, 82),
        new(GgmlType.IQ4_XS, "iq4_xs", K, 136),
        new(GgmlType.I8, "i8", 1, 1),
        new(GgmlType.I16, "i16", 1, 2),
        new(GgmlType.I32, "i32", 1, 4),
        new(GgmlType.I64, "i64", 1, 8),
        new(GgmlType.F64, "f64", 1, 8),
        new(GgmlType.IQ1_M, "iq1_m", K, 56),
        new(GgmlType.BF16, "bf16", 1, 2),
        new(GgmlType.Q4_0_4_4, "q4_0_4x4", 32, 18),
        new(GgmlType.Q4_0_4_8, "q4_0_4x8", 32, 18),
        new(GgmlType.Q4_0_8_8, "q4_0_8x8", 32, 18),
        new(GgmlType.TQ1_0, "tq1_0", K, 54),
        new(GgmlType.TQ2_0, "tq2_0", K, 66),
        new(GgmlType.IQ4_NL_4_4, "iq4_nl_4x4", 32, 18),
        new(GgmlType.IQ4_NL_4_8, "iq4_nl_4x8", 32, 18),
        new(GgmlType.IQ4_NL_8_8, "iq4_nl_8x8", 32, 18),
        new(GgmlType.MXFP4, "mxfp4", 32, 17),
    ]);

    /// <summary>The layout of the type numbered <paramref name="id"/>, or null for an id this table does not know.</summary>
    public static GgmlTypeLayout? Find(uint id) => id < (uint)_byId.Length ? _byId[id] : null;

    /// <summary>ggml's name for the type (<c>q4_K</c>, <c>f16</c>), or <c>type_{id}</c> for an unknown id.</summary>
    public static string NameOf(uint id) => Find(id)?.Name ?? $"type_{id}";

    private static GgmlTypeLayout?[] Build(GgmlTypeLayout[] layouts)
    {
        var table = new GgmlTypeLayout?[layouts.Max(l => (int)l.Type) + 1];
        foreach (var layout in layouts)
        {
            table[(int)layout.Type] = layout;
        }

        return table;
    }
}
