using System.Globalization;

namespace Lamina.Runner.Placement;

/// <summary>What a start asks for: any GPU that fits (null indices, not CPU), the CPU, or given GPUs.</summary>
public sealed record GpuChoice(bool Cpu, IReadOnlyList<int>? Indices)
{
    public static GpuChoice Auto { get; } = new(false, null);

    public static GpuChoice OnCpu { get; } = new(true, null);

    /// <summary><c>auto</c>, <c>cpu</c>, or GPU indices such as <c>1</c> or <c>0,1</c>; null with a problem when it is none of them.</summary>
    public static (GpuChoice? Choice, string? Problem) Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return (Auto, null);
        }

        if (text.Trim().Equals("cpu", StringComparison.OrdinalIgnoreCase))
        {
            return (OnCpu, null);
        }

        var indices = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || indices.Contains(index))
            {
                return (null, $"gpu '{text}' is not auto, cpu or a list of distinct GPU indices such as 0 or 0,1 (see GET /gpus)");
            }

            indices.Add(index);
        }

        return (new GpuChoice(false, indices), null);
    }

    public override string ToString() => Cpu ? "cpu" : Indices is null ? "auto" : string.Join(',', Indices);
}
